import { useEffect } from 'react';
import { setLeaveGuard } from '../app/router';
import { useStore } from '../store/store';
import { inspectionLeaveGuard } from './inspectionActions';

/**
 * While an inspection runs: in-app navigation away from it asks first (the
 * focus view shows the question), and closing or reloading the tab gets the
 * browser's own warning. Either way the inspection stays open on the server
 * and can be resumed from the inspections list.
 */
export function useInspectionGuards(): void {
  useEffect(() => {
    setLeaveGuard(inspectionLeaveGuard);
    const onBeforeUnload = (event: BeforeUnloadEvent): void => {
      const active = useStore.getState().activeInspection;
      if (active && active.endedAt === null) event.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => {
      setLeaveGuard(null);
      window.removeEventListener('beforeunload', onBeforeUnload);
    };
  }, []);
}
