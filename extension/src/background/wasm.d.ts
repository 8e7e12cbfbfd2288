// The wasm-bindgen --target web glue (build/wasm/medcode.js), aliased by the build.
declare module "medcode-wasm" {
  export default function init(opts: { module_or_path: string | URL | Response | BufferSource }): Promise<unknown>;
  export class MedcodeEngine {
    constructor(index: Uint8Array);
    info(): unknown;
    lookup(code: string): unknown;
    search(query: string, system?: string, limit?: number): unknown;
    free(): void;
  }
}
