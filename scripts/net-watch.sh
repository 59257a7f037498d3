#!/usr/bin/env bash
# Watches what this machine sends out of its uplinks (the interfaces of its default routes) while a phase of CI
# runs, and reports it: every DNS question (time, server, name) and every other destination (time of the first
# packet, protocol, address and port, packet count). Tests may send traffic only to loopback and to the bridges
# and namespaces they made, so any packet on an uplink during the test phase is either a leak or the machine's own
# business (an apt timer, NTP, another user): the report names it so a person can tell. ARP and IPv6 neighbour
# discovery are left out. Needs root and tcpdump.
#   net-watch.sh start DIR      capture into DIR (one pcap per uplink) until stop
#   net-watch.sh stop DIR LABEL stop, print the report; exit 3 when BERTH_NET_WATCH=strict and a packet was seen
set -euo pipefail

uplinks() {
  if [ -n "${BERTH_NET_WATCH_DEVS:-}" ]; then tr ' ' '\n' <<<"$BERTH_NET_WATCH_DEVS"; return; fi # a test of this script
  { ip -4 route show default; ip -6 route show default; } 2>/dev/null |
    awk '{ for (i = 1; i < NF; i++) if ($i == "dev") print $(i + 1) }' | sort -u
}

# Outgoing packets only (-Q out); no ARP, no neighbour solicitations/advertisements or router messages.
FILTER='not arp and not (icmp6 and icmp6[icmp6type] >= 133 and icmp6[icmp6type] <= 137)'

case "${1:-}" in
start)
  dir=$2
  mkdir -p "$dir"
  if [ "$(id -u)" != 0 ] || ! command -v tcpdump >/dev/null; then
    echo "net-watch: not watching (needs root and tcpdump)" >&2
    exit 0
  fi
  for dev in $(uplinks); do
    tcpdump -i "$dev" -Q out -n -s 512 --immediate-mode -U -w "$dir/$dev.pcap" "$FILTER" 2>"$dir/$dev.log" &
    echo $! >"$dir/$dev.pid"
  done
  # tcpdump prints "listening on" once its capture is open: wait for each, so the first packets are not missed
  # (--immediate-mode: a packet still in the ring buffer when tcpdump is stopped would be lost).
  for log in "$dir"/*.log; do
    [ -e "$log" ] || continue
    for _ in $(seq 100); do grep -q 'listening on' "$log" && break; sleep 0.05; done
  done
  date -u +%T >"$dir/started"
  ;;
stop)
  dir=$2 label=${3:-run}
  [ -e "$dir/started" ] || exit 0
  for pidfile in "$dir"/*.pid; do
    [ -e "$pidfile" ] || continue
    kill -INT "$(cat "$pidfile")" 2>/dev/null || true
    while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.1; done
  done
  total=0
  report=""
  for pcap in "$dir"/*.pcap; do
    [ -e "$pcap" ] || continue
    dev=$(basename "$pcap" .pcap)
    lines=$(tcpdump -r "$pcap" -n -tttt 2>/dev/null | awk -v dev="$dev" '
      # tcpdump -tttt: DATE TIME PROTO SRC > DST: ...; DNS questions carry "A? name." etc. after the id.
      {
        time = substr($2, 1, 8); dst = $6; sub(/:$/, "", dst)
        if ($3 == "IP" || $3 == "IP6") {
          proto = ($0 ~ / UDP| udp|\.53: [0-9]+[+%]/) ? "udp" : (($0 ~ /Flags \[/) ? "tcp" : ($0 ~ /ICMP|icmp/ ? "icmp" : "other"))
          n++
          if (match($0, /(A|AAAA|SRV|PTR|MX|TXT|NS|SOA|CNAME|HTTPS|SVCB|ANY)\? [^ ]+/)) {
            q = substr($0, RSTART, RLENGTH)
            printf "net-watch:   %s %s DNS to %s: %s\n", time, dev, dst, q
          } else {
            key = proto " " dst
            if (!(key in count)) { first[key] = time; order[++k] = key }
            count[key]++
          }
        }
      }
      END {
        for (i = 1; i <= k; i++) printf "net-watch:   %s %s %s (%d packets)\n", first[order[i]], dev, order[i], count[order[i]]
        printf "#total %d\n", n
      }')
    total=$((total + $(sed -n 's/^#total //p' <<<"$lines")))
    found=$(grep -v '^#total' <<<"$lines" || true)
    [ -z "$found" ] || report+="${report:+$'\n'}$found"
  done
  started=$(cat "$dir/started")
  rm -f "$dir/started" # reported once
  echo "net-watch: $label, $started-$(date -u +%T) UTC, uplinks $(uplinks | tr '\n' ' ')(no ARP/ND): $total packets sent"
  [ -z "$report" ] || echo "$report"
  if [ "$total" -gt 0 ] && [ "${BERTH_NET_WATCH:-report}" = strict ]; then exit 3; fi
  ;;
*)
  echo "usage: net-watch.sh start DIR | stop DIR LABEL" >&2
  exit 2
  ;;
esac
