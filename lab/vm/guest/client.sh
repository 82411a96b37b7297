#!/bin/sh
# Steady traffic from the client namespace: HTTP requests to the VIP, one at a time, ~5 per second on
# port 80 and one per second on the persistent port 443. busybox wget -T segfaults: use timeout(1).
i=0
while :; do
  timeout 3 wget -q -O /dev/null http://198.51.100.100/ 2>/dev/null
  i=$((i + 1))
  if [ $((i % 5)) = 0 ]; then timeout 3 wget -q -O /dev/null http://198.51.100.100:443/ 2>/dev/null; fi
  usleep ${LAB_CLIENT_PAUSE_US:-150000}
done
