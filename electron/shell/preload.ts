import { contextBridge, ipcRenderer } from 'electron';
import { buildGradeDeskApi } from './preload-api.ts';

export { buildGradeDeskApi, type IpcRendererLike } from './preload-api.ts';

// Only a preload has a contextBridge. Suites that import this file mock `electron` without one
// (under plain Node it is only the binary's path, and importing it throws where the binary is
// not installed); the bridge itself lives in an electron-free module so it is tested directly.
if (typeof contextBridge === 'object' && contextBridge !== null && typeof ipcRenderer === 'object' && ipcRenderer !== null) {
  contextBridge.exposeInMainWorld('gradedesk', buildGradeDeskApi(ipcRenderer));
}
