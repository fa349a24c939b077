import { create } from 'zustand';
import { createConnectionSlice, type ConnectionSlice } from './connectionSlice';
import { createCountersSlice, type CountersSlice } from './countersSlice';
import { createUiSlice, type UiSlice } from './uiSlice';

/**
 * The console's one store, built from slices. It holds serialisable state
 * only: media objects (Device, transports, consumers) live in
 * `media/MediaClient`, the socket in `connection/ConsoleLink`.
 */
export type AppState = ConnectionSlice & CountersSlice & UiSlice;

export const useStore = create<AppState>()((...a) => ({
  ...createConnectionSlice(...a),
  ...createCountersSlice(...a),
  ...createUiSlice(...a),
}));
