/** Preload bridge (placeholder): exposes `window.echo`. The typed EchoBridge replaces this. */
import { contextBridge } from 'electron'

const echo = { version: '0' } as const

contextBridge.exposeInMainWorld('echo', echo)

export type EchoPlaceholderBridge = typeof echo
