# ChainAtlas web app. Used by docker-compose.yml together with a Neo4j 5.26 container.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /srv/chainatlas
# Pango and CJK fonts: WeasyPrint lays out the 链长简报 PDF with them.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml README.md ./
COPY app ./app
COPY graph_schema ./graph_schema
COPY loaders ./loaders
COPY queries ./queries
COPY stores ./stores
COPY data ./data
RUN pip install --no-cache-dir -e .
RUN useradd --system --home /srv/chainatlas chainatlas && mkdir -p /srv/chainatlas/var && chown chainatlas /srv/chainatlas/var
USER chainatlas
EXPOSE 8000
CMD ["chainatlas", "serve", "--host", "0.0.0.0", "--port", "8000", "--load-reference"]
