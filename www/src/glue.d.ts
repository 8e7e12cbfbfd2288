// Types for the wasm-bindgen --target web glue (build/wasm/medcode.js),
// which esbuild bundles under the alias "medcode-glue-web".
declare module 'medcode-glue-web' {
  export class MedcodeEngine {
    constructor(index: Uint8Array);
    free(): void;
  }
  /** an index file copied into the engine's memory chunk by chunk (src/bindings.rs) */
  export class IndexLoader {
    constructor(size: number);
    push(chunk: Uint8Array): void;
    finish(): MedcodeEngine;
    free(): void;
  }
  export function parseUserData(kind: string, name: string, bytes: Uint8Array, added?: string): { summary: import('../../types/extra-api').UserDataSummary; bytes: Uint8Array };
  export default function init(options?: { module_or_path?: RequestInfo | URL | Response | BufferSource | WebAssembly.Module | Promise<Response> }): Promise<unknown>;
}
