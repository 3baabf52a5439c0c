#!/usr/bin/env bash
# ChainAtlas' own Neo4j server for tests, CI and development (no Docker).
#
# Neo4j Community 5.26 LTS runs embedded in a small Java launcher
# (neo4j_launcher/), listening for Bolt on 127.0.0.1 with auth disabled.
#
# Usage: scripts/neo4j.sh {install|start|stop|restart|status|reset|log|import-full ARGS_FILE}
#   install  build neo4j_launcher (mvn package + runtime deps), skipped when up to date
#   start    install if needed, start in the background, wait until Bolt answers
#   stop     stop the server started by `start` (idempotent)
#   restart  stop, then start
#   status   print "running" and exit 0 if up and answering Bolt, else exit 1
#   reset    stop and delete the data (next start begins with an empty database)
#   log      print the tail of the server logs
#   import-full ARGS_FILE
#            the offline bulk load (stores/neo4j_bulk.py): stop the server, move the database
#            `neo4j` aside, run `neo4j-admin database import full` (as the launcher's
#            chainatlas.ImportKeepingEmptyLists, which keeps empty lists) with the arguments in ARGS_FILE
#            (one a line, no database name), start the server again with the settings it was last
#            started with (STATE_DIR/launch.env). The database moved aside is deleted when the import
#            succeeded and put back when it failed (exit 1): nothing half-imported is ever served.
#
# Environment:
#   NEO4J_BOLT_PORT          Bolt port (default 7687)
#   CHAINATLAS_NEO4J_HOME    state dir: pid file, logs, data (default <repo>/.neo4j-state)
#   NEO4J_HEAP               JVM heap, used for -Xms and -Xmx (default 1g)
#   NEO4J_PAGECACHE_MB       Neo4j page cache in MiB (default 64; benchmarks use more)
#   NEO4J_JAVA_OPTS          extra JVM options, appended
#   NEO4J_CONF_FILE          a file of further Neo4j settings in neo4j.conf format (e.g. db.format=standard)
#   NEO4J_START_TIMEOUT      seconds to wait for Bolt on start (default 120)
#   NEO4J_STOP_TIMEOUT       seconds to wait for a clean exit on stop before SIGKILL (default 60)
#   NEO4J_IMPORT_HEAP        JVM heap of `import-full` (default 1g; the importer works mostly off heap)
#   JAVA_HOME / MVN          java and maven to use (default: from PATH)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
LAUNCHER_DIR="$REPO_ROOT/neo4j_launcher"
TARGET_DIR="$LAUNCHER_DIR/target"
JAR="$TARGET_DIR/chainatlas-neo4j-1.0.0.jar"
LIB_DIR="$TARGET_DIR/lib"
STAMP="$TARGET_DIR/.chainatlas-build.sha256"
MAIN_CLASS="chainatlas.EmbeddedNeo4j"

PORT="${NEO4J_BOLT_PORT:-7687}"
STATE_DIR="${CHAINATLAS_NEO4J_HOME:-$REPO_ROOT/.neo4j-state}"
HEAP="${NEO4J_HEAP:-1g}"
START_TIMEOUT="${NEO4J_START_TIMEOUT:-120}"
STOP_TIMEOUT="${NEO4J_STOP_TIMEOUT:-60}"
MVN="${MVN:-mvn}"
if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA="java"; fi

[[ "$PORT" =~ ^[0-9]+$ ]] && ((PORT >= 1 && PORT <= 65535)) || { echo "neo4j.sh: bad NEO4J_BOLT_PORT: $PORT" >&2; exit 2; }
mkdir -p "$STATE_DIR"
STATE_DIR="$(cd "$STATE_DIR" && pwd)"
PID_FILE="$STATE_DIR/neo4j.pid"
LOG_FILE="$STATE_DIR/neo4j.log"          # launcher stdout/stderr
DEBUG_LOG="$STATE_DIR/logs/debug.log"    # Neo4j's own log

# JVM flags. Upstream: the server.jvm.additional lines of Neo4j 5.26's
# conf/neo4j.conf (minus TLS, JFR and profiler-only ones, and -XX:+AlwaysPreTouch,
# which would slow every start). Extra: the remaining --add-opens/--add-exports
# that embedded use may need, and ExitOnOutOfMemoryError so a test run fails loudly.
JVM_FLAGS=(
  "-Xms$HEAP" "-Xmx$HEAP"
  -XX:+UseG1GC
  -XX:-OmitStackTraceInFastThrow
  -XX:+UnlockExperimentalVMOptions
  -XX:+TrustFinalNonStaticFields
  -XX:+DisableExplicitGC
  -XX:+ExitOnOutOfMemoryError
  -Djdk.nio.maxCachedBufferSize=1024
  -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.disable.jmx=true
  -Dlog4j.layout.jsonTemplate.maxStringLength=32768
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
  --enable-native-access=ALL-UNNAMED
)

log() { printf 'neo4j.sh: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

# Serialize start/stop/install per state dir (flock is util-linux; skip if absent).
take_lock() {
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$STATE_DIR/.lock"
    flock -w 600 9 || die "could not lock $STATE_DIR/.lock"
  fi
}

build_hash() {
  (cd "$LAUNCHER_DIR" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) \
    | sha256sum | cut -d' ' -f1
}

is_built() {
  [[ -f "$JAR" && -d "$LIB_DIR" && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$(build_hash)" ]]
}

cmd_install() {
  if is_built; then
    log "launcher up to date ($TARGET_DIR)"
    return 0
  fi
  command -v "$MVN" >/dev/null 2>&1 || die "maven ($MVN) not found"
  log "building launcher with maven (first time downloads Neo4j from Maven Central)..."
  rm -rf "$LIB_DIR" "$TARGET_DIR/classes" "$JAR" "$STAMP"
  local out
  if ! out="$(cd "$LAUNCHER_DIR" && "$MVN" -q -B -Dstyle.color=never package 2>&1)"; then
    printf '%s\n' "$out" >&2
    die "maven build failed"
  fi
  [[ -f "$JAR" && -d "$LIB_DIR" ]] || die "maven build did not produce $JAR and $LIB_DIR"
  build_hash >"$STAMP"
  log "built $(basename "$JAR") with $(ls "$LIB_DIR" | wc -l) runtime jars"
}

# PID from the pid file if that process is alive and is our launcher; empty otherwise.
live_pid() {
  [[ -f "$PID_FILE" ]] || return 0
  local pid
  pid="$(tr -dc '0-9' <"$PID_FILE")"
  [[ -n "$pid" ]] || return 0
  if kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "$MAIN_CLASS"; then
    echo "$pid"
  fi
}

# Bolt handshake in pure bash: magic 0x6060B017, propose 5.8..5.0 and 4.4; a
# non-zero 4-byte reply means a Bolt server accepted a version.
bolt_ok() {
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
    printf "\x60\x60\xb0\x17\x00\x08\x08\x05\x00\x00\x04\x04\x00\x00\x00\x00\x00\x00\x00\x00" >&3
    reply="$(head -c 4 <&3 | od -An -tx1 | tr -d " \n")"
    [[ ${#reply} -eq 8 && "$reply" != "00000000" ]]
  ' _ "$PORT" 2>/dev/null
}

port_open() {
  timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$PORT" 2>/dev/null
}

show_log_tail() {
  log "---- tail of $LOG_FILE ----"
  tail -n 40 "$LOG_FILE" >&2 2>/dev/null || true
  if [[ -f "$DEBUG_LOG" ]]; then
    log "---- tail of $DEBUG_LOG ----"
    tail -n 40 "$DEBUG_LOG" >&2 || true
  fi
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      show_log_tail
      rm -f "$PID_FILE"
      die "Neo4j (pid $pid) exited during startup"
    fi
    # The launcher prints the ready line only once the default database answers.
    if grep -q "chainatlas-neo4j ready" "$LOG_FILE" 2>/dev/null && bolt_ok; then
      return 0
    fi
    sleep 0.5
  done
  show_log_tail
  die "Neo4j did not answer Bolt on 127.0.0.1:$PORT within ${START_TIMEOUT}s (pid $pid still running; see logs above)"
}

cmd_start() {
  take_lock
  local pid started=$SECONDS
  pid="$(live_pid)"
  if [[ -n "$pid" ]]; then
    wait_ready "$pid"
    echo "running (pid $pid) bolt://127.0.0.1:$PORT"
    return 0
  fi
  rm -f "$PID_FILE"
  if port_open; then
    die "port $PORT is already in use by another process (set NEO4J_BOLT_PORT to use another port)"
  fi
  cmd_install
  command -v "$JAVA" >/dev/null 2>&1 || die "java not found (need Java 17 or 21)"

  [[ -f "$LOG_FILE" ]] && mv -f "$LOG_FILE" "$LOG_FILE.1"
  # Own session (setsid) so the server outlives the caller's process group; the
  # inner shell writes its pid then execs java, so the pid file names java itself.
  local -a launcher=(bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE"
    "$JAVA" "${JVM_FLAGS[@]}" ${NEO4J_JAVA_OPTS:-}
    -cp "$JAR:$LIB_DIR/*" "$MAIN_CLASS" "--home=$STATE_DIR" "--port=$PORT")
  if command -v setsid >/dev/null 2>&1; then launcher=(setsid "${launcher[@]}"); fi
  nohup "${launcher[@]}" </dev/null >"$LOG_FILE" 2>&1 9>&- &

  local waited=0
  while [[ ! -s "$PID_FILE" ]] && ((waited < 50)); do sleep 0.1; waited=$((waited + 1)); done
  pid="$(tr -dc '0-9' <"$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || { show_log_tail; die "launcher did not start"; }
  wait_ready "$pid"
  # What this start used, for `import-full` to start the server again alike.
  printf 'NEO4J_BOLT_PORT=%q\nNEO4J_HEAP=%q\nNEO4J_PAGECACHE_MB=%q\nNEO4J_JAVA_OPTS=%q\nNEO4J_CONF_FILE=%q\n' \
    "$PORT" "$HEAP" "${NEO4J_PAGECACHE_MB:-}" "${NEO4J_JAVA_OPTS:-}" "${NEO4J_CONF_FILE:-}" >"$STATE_DIR/launch.env"
  echo "running (pid $pid) bolt://127.0.0.1:$PORT ready in $((SECONDS - started))s"
}

cmd_stop() {
  take_lock
  local pid
  pid="$(live_pid)"
  if [[ -z "$pid" ]]; then
    rm -f "$PID_FILE"
    echo "not running"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "pid $pid did not exit within ${STOP_TIMEOUT}s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  echo "stopped"
}

cmd_status() {
  local pid
  pid="$(live_pid)"
  if [[ -n "$pid" ]] && bolt_ok; then
    echo "running (pid $pid) bolt://127.0.0.1:$PORT"
    return 0
  elif [[ -n "$pid" ]]; then
    echo "not running (pid $pid alive but Bolt not answering on port $PORT yet)"
  else
    echo "not running"
  fi
  return 1
}

cmd_reset() {
  cmd_stop
  rm -rf "$STATE_DIR/data" "$STATE_DIR/logs"
  echo "data deleted ($STATE_DIR)"
}

# Offline `neo4j-admin database import full` into the database `neo4j` of this state dir. The caller
# (stores/neo4j_bulk.py) has checked that the database holds no data; see the usage above.
cmd_import_full() {
  local args_file="${1:-}"
  [[ -f "$args_file" ]] || die "import-full: no arguments file: ${args_file:-(none)}"
  local -a args=()
  mapfile -t args <"$args_file"
  take_lock
  cmd_install
  local began=$SECONDS
  cmd_stop
  local stopped=$SECONDS
  local databases="$STATE_DIR/data/databases" transactions="$STATE_DIR/data/transactions"
  local aside_db="$databases/.neo4j-before-import" aside_tx="$transactions/.neo4j-before-import"
  rm -rf "$aside_db" "$aside_tx"
  [[ -d "$databases/neo4j" ]] && mv "$databases/neo4j" "$aside_db"
  [[ -d "$transactions/neo4j" ]] && mv "$transactions/neo4j" "$aside_tx"
  local -a extra=()
  [[ -n "${NEO4J_CONF_FILE:-}" ]] && extra+=("--additional-config=$NEO4J_CONF_FILE")
  local status=0
  NEO4J_HOME="$STATE_DIR" NEO4J_CONF="$STATE_DIR/conf" "$JAVA" "-Xmx${NEO4J_IMPORT_HEAP:-1g}" \
    -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
    --add-opens=java.base/java.lang=ALL-UNNAMED \
    -cp "$JAR:$LIB_DIR/*" chainatlas.ImportKeepingEmptyLists "${args[@]}" "${extra[@]}" neo4j || status=$?
  local imported=$SECONDS
  if ((status == 0)); then
    rm -rf "$aside_db" "$aside_tx"
  else
    log "import failed (exit $status): the database is put back as it was"
    rm -rf "$databases/neo4j" "$transactions/neo4j"
    [[ -d "$aside_db" ]] && mv "$aside_db" "$databases/neo4j"
    [[ -d "$aside_tx" ]] && mv "$aside_tx" "$transactions/neo4j"
  fi
  exec 9>&-
  # start again with the settings of the last start (port, heap, page cache, JVM options, conf file)
  ( if [[ -f "$STATE_DIR/launch.env" ]]; then set -a; . "$STATE_DIR/launch.env"; set +a; fi
    exec bash "$SCRIPT_DIR/neo4j.sh" start ) || die "the server did not start again after the import"
  echo "import-full seconds: stop $((stopped - began)) neo4j-admin $((imported - stopped)) start $((SECONDS - imported))"
  ((status == 0)) || die "neo4j-admin database import full failed (exit $status)"
}

case "${1:-}" in
  install) take_lock; cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; exec 9>&-; cmd_start ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  log | logs) show_log_tail 2>&1 ;;
  import-full) cmd_import_full "${2:-}" ;;
  *)
    echo "usage: $0 {install|start|stop|restart|status|reset|log|import-full ARGS_FILE}" >&2
    exit 2
    ;;
esac
