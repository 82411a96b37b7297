import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";
import { brotliCompress, constants, gzip } from "node:zlib";
import { promisify } from "node:util";
import type { NextFunction, Request, Response } from "express";

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Files worth compressing (text); images and fonts are compressed already. */
const COMPRESSIBLE: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".html": "text/html; charset=utf-8",
  ".svg": "image/svg+xml",
  ".json": "application/json; charset=utf-8",
  ".map": "application/json; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
};
/** Below this size compression is not worth a header. */
const MIN_BYTES = 1024;

interface Encoded {
  mtimeMs: number;
  type: string;
  br: Buffer;
  gzip: Buffer;
}

/** Which encoding to send, from the request's Accept-Encoding (q=0 refuses one). */
export function pickEncoding(acceptEncoding: string | undefined): "br" | "gzip" | null {
  const offered = new Map<string, number>();
  for (const part of (acceptEncoding ?? "").split(",")) {
    const [name, ...params] = part.trim().toLowerCase().split(";");
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    offered.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (offered.get(name) ?? offered.get("*") ?? 0) > 0;
  if (ok("br")) return "br";
  if (ok("gzip")) return "gzip";
  return null;
}

/**
 * Serves the web app's text files brotli- or gzip-compressed (whichever the browser takes), each
 * compressed once on first request and kept until the file changes; everything else falls through
 * to express.static. `/assets/` files carry content hashes in their names, so they may be cached for a year.
 */
export function compressedStatic(root: string) {
  const cache = new Map<string, Encoded>();

  const encoded = async (file: string): Promise<Encoded | null> => {
    const type = COMPRESSIBLE[extname(file)];
    if (type === undefined) return null;
    const info = await stat(file).catch(() => null);
    if (info === null || !info.isFile() || info.size < MIN_BYTES) return null;
    const cached = cache.get(file);
    if (cached !== undefined && cached.mtimeMs === info.mtimeMs) return cached;
    const body = await readFile(file);
    const entry: Encoded = {
      mtimeMs: info.mtimeMs,
      type,
      br: await brotli(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 10, [constants.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      gzip: await gzipAsync(body, { level: 9 }),
    };
    cache.set(file, entry);
    return entry;
  };

  /** Sends `file` compressed when it can; false when the caller should serve it as is. */
  const send = async (req: Request, res: Response, file: string, cacheControl: string): Promise<boolean> => {
    const encoding = pickEncoding(req.headers["accept-encoding"]);
    const entry = await encoded(file);
    if (entry === null) return false;
    res.setHeader("Vary", "Accept-Encoding");
    if (encoding === null) return false;
    res.setHeader("Content-Type", entry.type);
    res.setHeader("Content-Encoding", encoding);
    res.setHeader("Cache-Control", cacheControl);
    res.setHeader("Content-Length", String(entry[encoding].length));
    res.end(req.method === "HEAD" ? undefined : entry[encoding]);
    return true;
  };

  return {
    /** Middleware for files under `root`. */
    files: (req: Request, res: Response, next: NextFunction) => {
      if (req.method !== "GET" && req.method !== "HEAD") return next();
      let path: string;
      try {
        path = decodeURIComponent(req.path);
      } catch {
        return next();
      }
      const file = normalize(join(root, path));
      if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return next();
      const immutable = path.startsWith("/assets/");
      send(req, res, file, immutable ? "public, max-age=31536000, immutable" : "public, max-age=3600").then(
        (sent) => (sent ? undefined : next()),
        next,
      );
    },
    /** Sends index.html (the app's every route), compressed when it can; never cached, so a new build is picked up. */
    index: (req: Request, res: Response, next: NextFunction) => {
      send(req, res, join(root, "index.html"), "no-cache").then(
        (sent) => (sent ? undefined : res.sendFile(join(root, "index.html"), { maxAge: 0 })),
        next,
      );
    },
  };
}
