# Helpers for the lab scenario and the host's control channel (busybox sh; sourced, not run).
# Every "node" of the lab (a director, a real server, the client) is a network + mount namespace held
# open by a sleeping process whose pid is in /run/lab/NAME.pid; busybox `ip` has no `netns`, so we
# enter them with nsenter.
. /run/lab/env 2>/dev/null
LOGS=/var/log/lab

# Director names, their priority and their management NIC's MAC (one QEMU user-network NIC each).
DIRECTORS="lvs-dir-01 lvs-dir-02"
prio_of() { case $1 in lvs-dir-01) echo 200;; lvs-dir-02) echo 100;; esac; }
mac_of() { case $1 in lvs-dir-01) echo 52:54:00:1a:b0:01;; lvs-dir-02) echo 52:54:00:1a:b0:02;; esac; }
# Addresses (documentation ranges): front 198.51.100.0/24 (client + VIP), back 203.0.113.0/24 (real servers).
VIP=198.51.100.100
GW_VIP=203.0.113.1      # the real servers' default gateway: a second VIP, so NAT replies follow the MASTER
front_of() { case $1 in lvs-dir-01) echo 198.51.100.2;; lvs-dir-02) echo 198.51.100.3;; client) echo 198.51.100.10;; esac; }
back_of() { case $1 in lvs-dir-01) echo 203.0.113.2;; lvs-dir-02) echo 203.0.113.3;; rs1) echo 203.0.113.11;; rs2) echo 203.0.113.12;; esac; }
REAL_SERVERS="rs1 rs2"
RS_PORTS="80 443 8081 8082 8083"   # 8083: the sorry server of :8082 (on rs2)

# busybox sh (and nsenter) prefer their own applets to binaries on PATH: iproute2's ip (needed for
# veth peers, `ip -j`, `ip -br`) must be called by its full path.
ip() { /sbin/ip "$@"; }
pid_of() { cat /run/lab/$1.pid 2>/dev/null; }
# on NAME CMD...: run CMD inside NAME's network and mount namespaces
on() {
  local n=$1; shift
  [ "$1" = ip ] && { shift; set -- /sbin/ip "$@"; }
  nsenter -t "$(pid_of $n)" -n -m "$@"
}

# node_create NAME: a namespace pair with private /tmp, /run and /etc/keepalived (keepalived 2.2.7
# always dumps to /tmp/keepalived.json; private mounts give each director its own, at the usual paths)
node_create() {
  unshare -n -m --propagation private sh -c \
    'mount -t tmpfs t /tmp; mount -t tmpfs r /run; mount -t tmpfs k /etc/keepalived; touch /tmp/.ready; exec sleep 2147483647' &
  echo $! > /run/lab/$1.pid
  while [ ! -e /proc/$!/root/tmp/.ready ]; do usleep 20000; done
  on $1 ip link set lo up
}

# link NAME IFNAME BRIDGE ADDR/PREFIX: a veth from bridge BRIDGE (root namespace) into NAME as IFNAME
link() {
  local n=$1 ifn=$2 br=$3 addr=$4 host=v-$1-$2
  host=$(echo "$host" | cut -c1-15)
  ip link add "$host" type veth peer name "tmp-$ifn"
  ip link set "tmp-$ifn" netns "$(pid_of $n)"
  ip link set "$host" master "$br" up
  on $n ip link set "tmp-$ifn" name "$ifn"
  on $n ip addr add "$addr" dev "$ifn"
  on $n ip link set "$ifn" up
}

# --- real servers -------------------------------------------------------------------------
httpd_start() {  # httpd_start rs1 80
  # nsenter (not the `on` function) so that $! is httpd itself: nsenter execs it
  nsenter -t "$(pid_of $1)" -n -m httpd -f -p $2 -h /www/$1 >>$LOGS/$1-httpd.log 2>&1 &
  echo $! > /run/lab/$1-httpd-$2.pid
}
httpd_stop() { kill "$(cat /run/lab/$1-httpd-$2.pid)" 2>/dev/null; rm -f /run/lab/$1-httpd-$2.pid; }

# --- keepalived ---------------------------------------------------------------------------
ka_start() {
  nsenter -t "$(pid_of $1)" -n -m keepalived -n -l -D -f /etc/keepalived/keepalived.conf >>$LOGS/$1-keepalived.log 2>&1 &
  echo $! > /run/lab/$1-keepalived.pid
}
ka_pid() { on $1 cat /run/keepalived.pid 2>/dev/null; }
ka_stop() { kill -${2:-TERM} "$(ka_pid $1)"; }
ka_reload() { kill -HUP "$(ka_pid $1)"; }
ka_log() { tail -n ${2:-40} $LOGS/$1-keepalived.log; }
# checker_dump NAME: keepalived's DATA signal (SIGUSR1), then the checker child's keepalived_check.data
checker_dump() {
  on $1 rm -f /tmp/keepalived_check.data
  ka_stop $1 USR1
  local i=0
  while [ $i -lt 50 ] && ! on $1 grep -q '^------< Health checkers' /tmp/keepalived_check.data 2>/dev/null; do usleep 100000; i=$((i+1)); done
  usleep 200000
  on $1 cat /tmp/keepalived_check.data
}
# checker_signal NAME SIG: signal keepalived's checker child (STOP freezes it, CONT thaws it)
checker_signal() { kill -$2 "$(on $1 cat /run/checkers.pid)"; }
# vs_weight NAME RS-ADDR RS-PORT WEIGHT: rewrite that real server's weight in virtual_servers.conf, then reload
vs_weight() {
  on $1 sh -c "awk -v rs='real_server $2 $3 ' 'index(\$0, rs) {f=1} f && /weight/ {sub(/weight [0-9]+/, \"weight $4\"); f=0} {print}' \
    /etc/keepalived/virtual_servers.conf > /tmp/vs.conf && cat /tmp/vs.conf > /etc/keepalived/virtual_servers.conf"
  ka_reload $1
}

# --- the agent ------------------------------------------------------------------------------
# Flags common to `run` and `snapshot`; LAB_agentargs (kernel command line, ',' for ' ') adds more.
agent_flags() {
  echo --director $1 --source ipvsadm,keepalived --ipvsadm /sbin/ipvsadm --ip /sbin/ip \
    --keepalived-fifo /run/keepalived/notify.fifo --keepalived-weights-file /etc/keepalived/virtual_servers.conf \
    --weight-mode ${LAB_weightmode:-keepalived} $(echo "${LAB_agentargs:-}" | tr ',' ' ')
}
agent_start() {
  local d=$1; shift
  nsenter -t "$(pid_of $d)" -n -m lvsdeck-agent --hub "$LAB_hub" --token "$LAB_token" --tick-ms ${LAB_tick:-2000} $(agent_flags $d) "$@" \
    >>$LOGS/$d-agent.log 2>&1 &
  echo $! > /run/lab/$d-agent.pid
}
agent_stop() { kill "$(cat /run/lab/$1-agent.pid)" 2>/dev/null; }
# One-shot reads for the tests. They leave out the notify FIFO: a FIFO line goes to one reader only,
# and the running agent must not lose events to them.
oneshot_flags() { agent_flags $1 | sed 's# --keepalived-fifo [^ ]*##'; }
snapshot() { local d=$1; shift; on $d lvsdeck-agent snapshot $(oneshot_flags $d) "$@"; }
details() { local d=$1; shift; on $d lvsdeck-agent details $(oneshot_flags $d) "$@"; }
# weight_of NAME SERVICE-ADDR:PORT RS-ADDR:PORT: the weight in NAME's kernel table ("-" when absent)
weight_of() { on $1 ipvsadm -Ln -t $2 2>/dev/null | awk -v rs=$3 '$1=="->" && $2==rs {print $4; f=1} END {if (!f) print "-"}'; }

# --- traffic ----------------------------------------------------------------------------------
traffic_pause() { kill -STOP "$(cat /run/lab/client-loop.pid)"; sleep ${1:-2}; }   # lets in-flight requests end
traffic_resume() { kill -CONT "$(cat /run/lab/client-loop.pid)"; }

# ipvs_state NAME: the oracle listings, in sections the host parses
ipvs_state() {
  echo "@@section stats"; on $1 ipvsadm -Ln --stats --exact
  echo "@@section list"; on $1 ipvsadm -Ln
  echo "@@section conns"; on $1 ipvsadm -Lnc
}
# compare NAME: ipvsadm, then the agent's snapshot, then ipvsadm again (the snapshot must match one)
compare() {
  echo "@@section before"; ipvs_state $1
  echo "@@section snapshot"; snapshot $1 2>/dev/null
  echo "@@section details"; details $1 2>/dev/null
  echo "@@section after"; ipvs_state $1
}
