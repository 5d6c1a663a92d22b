/**
 * Extra stand-ins for the Electron APIs main/index.ts uses beyond test/support/fake-electron.ts
 * (Menu, dialog, session). Test files add them with
 * `vi.mock('electron', async (orig) => withElectronExtras(await orig()))`.
 */
export const extras = {
  menu: null as unknown,
  errorBoxes: [] as Array<[string, string]>,
  openDialog: { canceled: true, filePaths: [] as string[] },
  saveDialog: { canceled: true, filePath: '' },
  sessionCalls: [] as string[],
}

export function withElectronExtras(orig: Record<string, unknown>): Record<string, unknown> {
  const fakeSession = {
    setPermissionRequestHandler: () => extras.sessionCalls.push('setPermissionRequestHandler'),
    setPermissionCheckHandler: () => extras.sessionCalls.push('setPermissionCheckHandler'),
    webRequest: {
      onBeforeRequest: () => extras.sessionCalls.push('onBeforeRequest'),
      onHeadersReceived: () => extras.sessionCalls.push('onHeadersReceived'),
    },
  }
  const Menu = {
    buildFromTemplate: (template: unknown) => ({ template }),
    setApplicationMenu: (m: unknown) => {
      extras.menu = m
    },
  }
  const dialog = {
    showOpenDialog: async () => extras.openDialog,
    showSaveDialog: async () => extras.saveDialog,
    showErrorBox: (a: string, b: string) => extras.errorBoxes.push([a, b]),
  }
  const session = { defaultSession: fakeSession }
  const base = (orig['default'] ?? {}) as Record<string, unknown>
  return { ...orig, Menu, dialog, session, default: { ...base, Menu, dialog, session } }
}
