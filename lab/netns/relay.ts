// `node --import tsx lab/netns/relay.ts LISTEN TO`: the relay run inside a director namespace (see
// lib/relay.ts), e.g. `127.0.0.1:8080 /var/tmp/lvsdk-lab-x/hub.sock`. Prints `relaying` once it
// listens. Exits on SIGTERM/SIGINT and when its stdin closes: the lab holds that pipe, so a relay
// never outlives the lab that started it, even one killed with SIGKILL.
import { formatEndpoint, parseEndpoint, startRelay } from "./lib/relay";

const [listenText, toText] = process.argv.slice(2);
if (listenText === undefined || toText === undefined) {
  process.stderr.write("usage: relay.ts LISTEN TO   (each HOST:PORT or a Unix socket path)\n");
  process.exit(2);
}
const relay = await startRelay({
  listen: parseEndpoint(listenText),
  to: parseEndpoint(toText),
  onError: (message) => process.stderr.write(`relay: ${message}\n`),
});
process.stdout.write(`relaying ${formatEndpoint(relay.listening)} -> ${toText}\n`);
const stop = () => void relay.close().then(() => process.exit(0));
for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) process.once(signal, stop);
process.stdin.on("data", () => undefined);
process.stdin.once("end", stop);
process.stdin.once("error", stop);
