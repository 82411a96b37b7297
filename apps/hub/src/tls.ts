import { readFileSync } from "node:fs";
import { createServer, type Server, type ServerOptions } from "node:https";
import type { RequestListener } from "node:http";
import type { Logger } from "@lvsdeck/log";

/** A certificate chain and its private key, as PEM files (what certbot or an internal CA hands out). */
export interface TlsFiles {
  certFile: string;
  keyFile: string;
}

function readPair(files: TlsFiles): { cert: Buffer; key: Buffer } {
  return { cert: readFileSync(files.certFile), key: readFileSync(files.keyFile) };
}

/**
 * An HTTPS server whose certificate can be replaced without a restart (`reload`, wired to SIGHUP):
 * renewed certificates take effect for new connections; a pair that cannot be read or does not match
 * leaves the current one in place and says why.
 */
export function createTlsServer(app: RequestListener, files: TlsFiles, log: Logger, serverOptions: ServerOptions = {}): { server: Server; reload(): boolean } {
  const server = createServer({ ...serverOptions, ...readPair(files), minVersion: "TLSv1.2" }, app);
  return {
    server,
    reload() {
      try {
        server.setSecureContext({ ...readPair(files), minVersion: "TLSv1.2" });
        log.info("TLS certificate reloaded", { cert: files.certFile });
        return true;
      } catch (err) {
        log.error("TLS certificate not reloaded; the previous one stays in use", { cert: files.certFile, error: (err as Error).message });
        return false;
      }
    },
  };
}
