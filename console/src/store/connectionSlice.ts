import type { StateCreator } from 'zustand';
import type { User } from '@counterwatch/shared';
import type { AppState } from './store';

export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'unauthenticated';

export interface ConnectionSlice {
  connectionStatus: ConnectionStatus;
  user: User | null;
  /** server clock − browser clock, so "waiting for 12 min" is right on a skewed PC. */
  serverOffsetMs: number;
  setConnectionStatus: (status: ConnectionStatus) => void;
  setUser: (user: User | null) => void;
  setServerTime: (serverTime: number) => void;
}

export const createConnectionSlice: StateCreator<AppState, [], [], ConnectionSlice> = (set) => ({
  connectionStatus: 'connecting',
  user: null,
  serverOffsetMs: 0,
  setConnectionStatus: (connectionStatus) => set({ connectionStatus }),
  setUser: (user) => set({ user }),
  setServerTime: (serverTime) => set({ serverOffsetMs: serverTime - Date.now() }),
});
