#!/bin/sh
# Builds the lab inside the VM (busybox sh, run by /init):
#
#   client ns 198.51.100.10 --- br-front (root ns) --- lvs-dir-01 front 198.51.100.2 ┐ VRRP VRID 88
#                                                  \-- lvs-dir-02 front 198.51.100.3 ┘ VIP 198.51.100.100
#   rs1 ns 203.0.113.11 ------- br-back (root ns) ---- lvs-dir-01 back 203.0.113.2   GW VIP 203.0.113.1
#   rs2 ns 203.0.113.12 ------/                   \--- lvs-dir-02 back 203.0.113.3
#   lvs-dir-0N mgmt 10.0.2.15: its own QEMU user-network NIC; the hub on the host is 10.0.2.2
#
# The root namespace is only a switch (two bridges, no addresses). Each director runs keepalived
# (VRRP + IPVS + TCP_CHECK) and an lvsdeck agent inside its own namespaces.
set -u
. /lab/lib.sh
t0=$(cut -d' ' -f1 /proc/uptime)
step() { echo "--- [$(cut -d' ' -f1 /proc/uptime)s] $*"; }

step "modules"
for m in ip_vs ip_vs_wrr ip_vs_rr veth bridge virtio_pci virtio_net; do modprobe $m || echo "modprobe $m failed"; done
ip link set lo up

step "bridges"
for br in br-front br-back; do ip link add $br type bridge; ip link set $br up; done

step "namespaces"
for n in $DIRECTORS $REAL_SERVERS client; do node_create $n; done
for d in $DIRECTORS; do
  link $d front br-front $(front_of $d)/24
  link $d back br-back $(back_of $d)/24
  on $d sh -c 'echo 1 > /proc/sys/net/ipv4/ip_forward'   # NAT: the director routes the replies
  # management NIC: the one whose MAC QEMU gave this director; no default route, only 10.0.2.0/24
  nic=$(grep -il "$(mac_of $d)" /sys/class/net/*/address | cut -d/ -f5)
  if [ -n "$nic" ]; then
    ip link set "$nic" netns "$(pid_of $d)"
    on $d ip link set "$nic" name mgmt
    on $d ip addr add 10.0.2.15/24 dev mgmt
    on $d ip link set mgmt up
  else
    echo "no NIC with MAC $(mac_of $d): $d cannot reach the hub"
  fi
done
for r in $REAL_SERVERS; do
  link $r eth0 br-back $(back_of $r)/24
  on $r ip route add default via $GW_VIP
  mkdir -p /www/$r; echo "hello from $r ($(back_of $r)) behind IPVS" > /www/$r/index.html
  for p in $RS_PORTS; do httpd_start $r $p; done
done
link client eth0 br-front $(front_of client)/24

step "keepalived"
for d in $DIRECTORS; do
  state=BACKUP; [ "$(prio_of $d)" = 200 ] && state=MASTER
  sed -e "s/@NAME@/$d/g" -e "s/@PRIO@/$(prio_of $d)/" -e "s/@STATE@/$state/" /lab/keepalived.conf.in |
    on $d sh -c 'cat > /etc/keepalived/keepalived.conf'
  on $d sh -c 'cat > /etc/keepalived/virtual_servers.conf' < /lab/virtual_servers.conf
  on $d mkdir -p /run/keepalived
  ka_start $d
done

step "agents"
if [ -n "${LAB_hub:-}" ]; then
  for d in $DIRECTORS; do agent_start $d; done
else
  echo "no lab.hub= on the kernel command line: agents not started"
fi

step "traffic"
nsenter -t "$(pid_of client)" -n -m sh /lab/client.sh >>$LOGS/client.log 2>&1 &
echo $! > /run/lab/client-loop.pid
step "done (scenario took $(echo "$(cut -d' ' -f1 /proc/uptime) $t0" | awk '{print $1-$2}')s)"
