import { describe, expect, it } from "vitest";
import { compileProcScan } from "../wasm/compileWat";
import { PROC_SCAN_WASM } from "./procScanWasm";

describe("the scanner's WebAssembly", () => {
  it("is the binary of wasm/procScan.wat as it stands (run `npm run build:wasm -w @lvsdeck/ipvs` after changing it)", async () => {
    expect(await compileProcScan()).toBe(PROC_SCAN_WASM);
  });
});
