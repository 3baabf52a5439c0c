"""The browser pages in Chinese: routers that render the Jinja2 templates (sign-in, dashboard, chains,
enterprises, analyses), the error pages, the graph views drawn with vis-network, and the templates
and static files themselves."""
