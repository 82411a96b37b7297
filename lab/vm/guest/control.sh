#!/bin/sh
# The host's control channel (second serial port, a Unix socket on the host). One request per line:
#   ID SHELL-COMMAND
# answered as
#   @@begin ID
#   ...combined stdout and stderr...
#   @@end ID RC
# The command runs in a fresh sh with /lab/lib.sh loaded, so `in lvs-dir-01 ipvsadm -Ln`,
# `httpd_stop rs2 80`, `snapshot lvs-dir-01`... all work. `poweroff` ends the VM.
TTY=$1
stty -F "$TTY" raw -echo 2>/dev/null
exec <"$TTY" >"$TTY" 2>&1
echo "@@ready"
while IFS= read -r line; do
  id=${line%% *}; cmd=${line#* }
  [ -n "$id" ] || continue
  if [ "$cmd" = poweroff ]; then echo "@@begin $id"; echo "@@end $id 0"; break; fi
  echo "@@begin $id"
  sh -c ". /lab/lib.sh; $cmd" </dev/null 2>&1
  echo "@@end $id $?"
done
