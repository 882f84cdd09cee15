/**
 * The part of the WebAssembly JavaScript API the engine's kernels use. Node provides the global;
 * TypeScript declares it only in the DOM and worker libraries, which this project does not load.
 */
declare namespace WebAssembly {
    class Memory {
        constructor(descriptor: {initial: number; maximum?: number; shared?: boolean});
        readonly buffer: ArrayBuffer;
        grow(delta: number): number;
    }
    class Module {
        constructor(bytes: Uint8Array);
    }
    class Instance {
        constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
        readonly exports: Record<string, unknown>;
    }
    function validate(bytes: Uint8Array): boolean;
}
