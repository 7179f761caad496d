import { contextBridge, ipcRenderer } from 'electron';
import { buildGradeDeskApi } from './preload-api.ts';

export { buildGradeDeskApi, type IpcRendererLike } from './preload-api.ts';

// Only a preload has a contextBridge. Suites that import this file mock `electron` without one
// (under plain Node it is only the binary's path, and since Electron 42 importing it downloads a
// missing binary, or throws where it cannot); the bridge itself lives in an electron-free module
// so it is tested directly.
if (typeof contextBridge === 'object' && contextBridge !== null && typeof ipcRenderer === 'object' && ipcRenderer !== null) {
  contextBridge.exposeInMainWorld('gradedesk', buildGradeDeskApi(ipcRenderer));
}
