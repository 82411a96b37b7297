// The web app's files go out compressed: the bundle is mostly text and the wall may sit behind a slow link.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHub, type Hub } from "../src/createHub";
import { pickEncoding } from "../src/ui/compressedStatic";

const web = mkdtempSync(join(tmpdir(), "lvsdeck-web-"));
const script = `export const rows = [${Array.from({ length: 4000 }, (_, i) => `"row ${i}"`).join(",")}];\n`;
const page = `<!doctype html><html><head><title>lvsdeck</title></head><body>${"<div></div>".repeat(200)}<script type="module" src="/assets/app-1234.js"></script></body></html>`;

function get(url: string, path: string, acceptEncoding?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("compressed static files", () => {
  let hub: Hub;
  beforeAll(async () => {
    mkdirSync(join(web, "assets"));
    writeFileSync(join(web, "index.html"), page);
    writeFileSync(join(web, "assets", "app-1234.js"), script);
    writeFileSync(join(web, "assets", "logo.png"), Buffer.alloc(4096, 7));
    hub = await createHub({ port: 0, host: "127.0.0.1", dataDir: ":memory:", agentTokens: [], quiet: true, webDist: web });
  });
  afterAll(async () => {
    await hub.close();
    rmSync(web, { recursive: true, force: true });
  });

  it("sends brotli to a browser that takes it, gzip to one that takes only that, and plain bytes otherwise", async () => {
    const br = await get(hub.url, "/assets/app-1234.js", "gzip, deflate, br");
    expect(br.headers["content-encoding"]).toBe("br");
    expect(br.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect(br.headers.vary).toBe("Accept-Encoding");
    expect(br.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(brotliDecompressSync(br.body).toString()).toBe(script);
    expect(br.body.length).toBeLessThan(script.length / 4);

    const gz = await get(hub.url, "/assets/app-1234.js", "gzip");
    expect(gz.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(gz.body).toString()).toBe(script);

    const plain = await get(hub.url, "/assets/app-1234.js");
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.headers.vary).toBe("Accept-Encoding");
    expect(plain.body.toString()).toBe(script);
  });

  it("compresses the page for every app route, never caching it, and leaves images alone", async () => {
    const route = await get(hub.url, "/timeline", "br");
    expect(route.headers["content-encoding"]).toBe("br");
    expect(route.headers["cache-control"]).toBe("no-cache");
    expect(route.headers["content-security-policy"]).toMatch(/script-src 'self'/);
    expect(brotliDecompressSync(route.body).toString()).toBe(page);
    const png = await get(hub.url, "/assets/logo.png", "br");
    expect(png.headers["content-encoding"]).toBeUndefined();
    expect(png.body.length).toBe(4096);
  });

  it("reads Accept-Encoding as browsers and proxies write it", () => {
    expect(pickEncoding("gzip, deflate, br, zstd")).toBe("br");
    expect(pickEncoding("br;q=0, gzip")).toBe("gzip");
    expect(pickEncoding("identity")).toBeNull();
    expect(pickEncoding(undefined)).toBeNull();
    expect(pickEncoding("*")).toBe("br");
  });
});
