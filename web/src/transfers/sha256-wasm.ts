// The part of hash-wasm the apps use, as one module that sha256.ts imports on demand: a dynamic
// import of 'hash-wasm' itself would load every algorithm it ships (esbuild cannot tree-shake a
// namespace loaded at run time), this one only SHA-256.
export { createSHA256, sha256 } from 'hash-wasm';
