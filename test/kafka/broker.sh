#!/usr/bin/env bash
# A real Apache Kafka broker (KRaft mode, no ZooKeeper) on loopback, for the Kafka-mode tests.
#
#   broker.sh classpath                        resolve the broker's jars (Maven, cached); print the classpath file
#   broker.sh start [--brokers N] [--dir DIR] [--owner PID]
#                                              format storage under DIR, start N nodes, wait until they
#                                              serve; print the bootstrap address (also in DIR/bootstrap)
#   broker.sh stop [--dir DIR]                 kill every node and remove DIR
#   broker.sh kill NODE [--dir DIR]            SIGKILL one node (fault tests)
#   broker.sh restart NODE [--dir DIR]         start a killed node again on its old ports and data
#
# One broker is a combined broker+controller; `--brokers 3` is a quorum of three combined nodes,
# so any one of them can be killed and the cluster keeps a controller majority.
# With --owner, a watchdog stops the cluster once that process is gone, so a test run that is
# killed does not leave JVMs behind.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$HERE/pom.xml"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/sluice"
DEFAULT_DIR="${TMPDIR:-/tmp}/sluice-kafka"
START_TIMEOUT_S="${SLUICE_KAFKA_START_TIMEOUT:-120}"

die() { echo "broker.sh: $*" >&2; exit 1; }

# `kill -0` also succeeds on a zombie, and a killed JVM whose parent (this script) is gone stays a
# zombie until PID 1 reaps it, which a container's PID 1 may never do.
alive() {
  local state
  state="$(ps -o stat= -p "$1" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z* ]]
}
pid_of() { cat "$1/node-$2/pid" 2>/dev/null || echo 0; }

# The classpath is cached per POM content: Maven takes seconds even when every jar is in ~/.m2.
classpath_file() {
  command -v java >/dev/null || die "java is not on PATH"
  local hash file
  hash="$(sha256sum "$POM" | cut -c1-16)"
  file="$CACHE_DIR/kafka-classpath-$hash.txt"
  if [[ -s "$file" ]] && all_jars_exist "$file"; then echo "$file"; return; fi
  command -v mvn >/dev/null || die "mvn is not on PATH (needed once to fetch the Kafka jars)"
  mkdir -p "$CACHE_DIR"
  local tmp="$file.$$"
  if ! mvn -B -q -f "$POM" dependency:build-classpath -Dmdep.outputFile="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -f "$tmp" "$tmp.log"
    die "mvn could not resolve the Kafka jars"
  fi
  rm -f "$tmp.log"
  mv "$tmp" "$file"
  echo "$file"
}

all_jars_exist() {
  local jar
  IFS=':' read -r -a jars <"$1"
  for jar in "${jars[@]}"; do [[ -f "$jar" ]] || return 1; done
}

# N free loopback ports, all bound at once so that they are distinct.
free_ports() {
  node -e '
    const net = require("node:net");
    const n = Number(process.argv[1]);
    const servers = [];
    for (let i = 0; i < n; i++) {
      const s = net.createServer();
      s.listen(0, "127.0.0.1", () => {
        servers.push(s);
        if (servers.length === n) {
          console.log(servers.map((x) => x.address().port).join(" "));
          for (const x of servers) x.close();
        }
      });
    }' "$1"
}

random_cluster_id() {
  # Kafka's Uuid: 16 random bytes, URL-safe base64 without padding.
  head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'
}

write_configs() {
  local dir="$1" n="$2"
  shift 2
  local ports=("$@") voters="" i
  for ((i = 1; i <= n; i++)); do
    voters+="${voters:+,}$i@127.0.0.1:${ports[$((2 * i - 1))]}"
  done
  local rf=$((n < 3 ? n : 3)) min_isr=$((n < 3 ? 1 : 2))
  cat >"$dir/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=\${kafka.logs.dir}/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
log4j.logger.org.apache.kafka.controller=INFO
EOF
  for ((i = 1; i <= n; i++)); do
    mkdir -p "$dir/node-$i/data"
    cat >"$dir/node-$i/server.properties" <<EOF
process.roles=broker,controller
node.id=$i
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:${ports[$((2 * i - 2))]},CONTROLLER://127.0.0.1:${ports[$((2 * i - 1))]}
advertised.listeners=PLAINTEXT://127.0.0.1:${ports[$((2 * i - 2))]}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/node-$i/data
# Tests create every topic they use: a typo must fail, not create a topic.
auto.create.topics.enable=false
num.partitions=1
default.replication.factor=1
offsets.topic.replication.factor=$rf
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=$rf
transaction.state.log.min.isr=$min_isr
transaction.state.log.num.partitions=4
group.initial.rebalance.delay.ms=0
# Small thread pools and quick heartbeats: two shared cores, and a broker that is up in seconds.
num.network.threads=2
num.io.threads=4
background.threads=2
num.recovery.threads.per.data.dir=1
broker.heartbeat.interval.ms=500
broker.session.timeout.ms=3000
file.delete.delay.ms=1000
# Kafka rolls a segment once its first record is older than log.roll.ms, judged by the records'
# own timestamps: tests write 1970s and 2023 timestamps, which would roll (and preallocate
# index files) on every append. Segments roll by size only.
log.roll.ms=9223372036854775807
# Retention also judges by record timestamps: a week's retention would delete those old records
# at the broker's first retention check, in the middle of a run. Test brokers keep everything.
log.retention.ms=-1
EOF
  done
}

# Starts node i in the background, detached from this shell, appending to its server.log.
# A small heap, the serial collector and C1 only: a test broker lives for a minute on two shared
# cores, where starting fast and not compiling with C2 beats peak throughput.
launch_node() {
  local dir="$1" i="$2" cp
  cp="$(cat "$(classpath_file)")"
  (
    cd "$dir/node-$i"
    exec setsid java -Xms128m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
      -Djava.awt.headless=true \
      -Dkafka.logs.dir="$dir/node-$i" -Dlog4j.configuration="file:$dir/log4j.properties" \
      -cp "$cp" kafka.Kafka "$dir/node-$i/server.properties" \
      </dev/null >>"$dir/node-$i/stdout.log" 2>&1
  ) &
  echo $! >"$dir/node-$i/pid"
}

started_count() { grep -c "Kafka Server started" "$1/server.log" 2>/dev/null || true; }

# Waits until node i logs a start beyond `before` starts and its broker port accepts connections.
wait_started() {
  local dir="$1" i="$2" before="$3" port="$4" deadline=$((SECONDS + START_TIMEOUT_S))
  while ((SECONDS < deadline)); do
    if ! alive "$(pid_of "$dir" "$i")"; then
      echo "broker.sh: node $i exited during startup; last log lines:" >&2
      tail -n 30 "$dir/node-$i/server.log" "$dir/node-$i/stdout.log" >&2 2>/dev/null || true
      return 1
    fi
    if (($(started_count "$dir/node-$i") > before)) && (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      return 0
    fi
    sleep 0.2
  done
  echo "broker.sh: node $i did not start within ${START_TIMEOUT_S}s" >&2
  return 1
}

broker_port() { sed -n 's#^listeners=PLAINTEXT://127.0.0.1:\([0-9]*\),.*#\1#p' "$1/node-$2/server.properties"; }

kill_nodes() {
  local dir="$1" signal="$2" f
  for f in "$dir"/node-*/pid; do
    [[ -f "$f" ]] || continue
    kill "-$signal" "$(cat "$f")" 2>/dev/null || true
  done
}

# SIGKILL, not a clean shutdown: the data is thrown away, and KRaft nodes all stopping at once
# can each wait for a controller that is itself going away.
stop_cluster() {
  local dir="$1" f waited=0
  [[ -d "$dir" ]] || return 0
  if [[ -f "$dir/watchdog.pid" && "$(cat "$dir/watchdog.pid")" != "${WATCHDOG_SELF:-}" ]]; then
    kill "$(cat "$dir/watchdog.pid")" 2>/dev/null || true
  fi
  kill_nodes "$dir" KILL
  # Remove the directory only once no JVM can write into it any more.
  while ((waited < 50)); do
    local running=0
    for f in "$dir"/node-*/pid; do
      [[ -f "$f" ]] && alive "$(cat "$f")" && running=1
    done
    ((running)) || break
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -rf "$dir"
}

start_cluster() {
  local dir="$1" n="$2" owner="$3" attempt
  [[ -e "$dir/bootstrap" ]] && die "a cluster already runs in $dir (broker.sh stop --dir $dir)"
  local cpfile
  cpfile="$(classpath_file)"
  # Ports are picked free but only taken when the JVM binds them: retry if another process won.
  for attempt in 1 2 3; do
    rm -rf "$dir"
    mkdir -p "$dir"
    local ports
    read -r -a ports <<<"$(free_ports $((2 * n)))"
    write_configs "$dir" "$n" "${ports[@]}"
    local id i pids=()
    id="$(random_cluster_id)"
    for ((i = 1; i <= n; i++)); do
      java -cp "$(cat "$cpfile")" -XX:TieredStopAtLevel=1 -Dlog4j.configuration="file:$dir/log4j.properties" \
        -Dkafka.logs.dir="$dir/node-$i" kafka.tools.StorageTool format -t "$id" -c "$dir/node-$i/server.properties" \
        >"$dir/node-$i/format.log" 2>&1 &
      pids+=($!)
    done
    for i in "${pids[@]}"; do
      wait "$i" || die "formatting the storage failed: $(cat "$dir"/node-*/format.log)"
    done
    for ((i = 1; i <= n; i++)); do launch_node "$dir" "$i"; done
    local ok=1
    for ((i = 1; i <= n; i++)); do
      wait_started "$dir" "$i" 0 "$(broker_port "$dir" "$i")" || { ok=0; break; }
    done
    if ((ok)); then
      local bootstrap=""
      for ((i = 1; i <= n; i++)); do bootstrap+="${bootstrap:+,}127.0.0.1:$(broker_port "$dir" "$i")"; done
      echo "$n" >"$dir/nodes"
      echo "$bootstrap" >"$dir/bootstrap"
      [[ -n "$owner" ]] && start_watchdog "$dir" "$owner"
      echo "$bootstrap"
      return 0
    fi
    if ! grep -q "Address already in use" "$dir"/node-*/server.log "$dir"/node-*/stdout.log 2>/dev/null; then
      kill_nodes "$dir" KILL
      die "the broker did not start (logs were in $dir)"
    fi
    kill_nodes "$dir" KILL
    sleep 0.5
  done
  die "no free ports after 3 attempts"
}

start_watchdog() {
  local dir="$1" owner="$2"
  (
    trap '' HUP
    while alive "$owner" && [[ -d "$dir" ]]; do sleep 1; done
    WATCHDOG_SELF="$BASHPID" stop_cluster "$dir"
  ) </dev/null >/dev/null 2>&1 &
  echo $! >"$dir/watchdog.pid"
  disown
}

restart_node() {
  local dir="$1" i="$2"
  [[ -f "$dir/node-$i/server.properties" ]] || die "no node $i in $dir"
  if alive "$(pid_of "$dir" "$i")"; then die "node $i is running"; fi
  local before
  before="$(started_count "$dir/node-$i")"
  launch_node "$dir" "$i"
  wait_started "$dir" "$i" "$before" "$(broker_port "$dir" "$i")" || die "node $i did not restart"
}

main() {
  local cmd="${1:-}"
  [[ $# -gt 0 ]] && shift
  local dir="$DEFAULT_DIR" brokers=1 owner="" node=""
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dir) dir="$2"; shift 2 ;;
      --brokers) brokers="$2"; shift 2 ;;
      --owner) owner="$2"; shift 2 ;;
      [0-9]*) node="$1"; shift ;;
      *) die "unknown argument: $1" ;;
    esac
  done
  case "$cmd" in
    classpath) classpath_file ;;
    start)
      [[ "$brokers" =~ ^[1-9]$ ]] || die "--brokers must be 1 to 9"
      start_cluster "$dir" "$brokers" "$owner"
      ;;
    stop) stop_cluster "$dir" ;;
    kill)
      [[ -n "$node" && -f "$dir/node-$node/pid" ]] || die "usage: broker.sh kill NODE [--dir DIR]"
      kill -KILL "$(cat "$dir/node-$node/pid")" 2>/dev/null || true
      ;;
    restart)
      [[ -n "$node" ]] || die "usage: broker.sh restart NODE [--dir DIR]"
      restart_node "$dir" "$node"
      ;;
    *) die "usage: broker.sh classpath | start [--brokers N] [--dir DIR] [--owner PID] | stop [--dir DIR] | kill NODE | restart NODE" ;;
  esac
}

main "$@"
