/**
 * Host-neutral globals the engine may use, declared for tsconfig.engine.json (lib ES2022, no DOM,
 * no @types/node). Only what the WHATWG Encoding standard guarantees on every target (Node,
 * Chromium, workers). Add nothing here that reads time, entropy or the host environment.
 */
declare interface TextEncoderEncodeIntoResult {
  read: number
  written: number
}
declare class TextEncoder {
  readonly encoding: 'utf-8'
  encode(input?: string): Uint8Array<ArrayBuffer>
  encodeInto(source: string, destination: Uint8Array): TextEncoderEncodeIntoResult
}
declare interface TextDecoderOptions {
  fatal?: boolean
  ignoreBOM?: boolean
}
declare interface TextDecodeOptions {
  stream?: boolean
}
declare class TextDecoder {
  constructor(label?: string, options?: TextDecoderOptions)
  readonly encoding: string
  readonly fatal: boolean
  readonly ignoreBOM: boolean
  decode(input?: ArrayBufferView | ArrayBuffer, options?: TextDecodeOptions): string
}
