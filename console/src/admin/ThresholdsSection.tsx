import { DepartmentSelect } from '../filters/PlaceSelects';
import { useState } from 'react';
import type { z } from 'zod';
import type { DirectoryAdminSchema } from '@counterwatch/shared';
import { ThresholdEditor } from '../departments/ThresholdEditor';
import { useT } from '../i18n/i18n';

/**
 * Alert thresholds per department. The admin has no live view, so the
 * department panel (live figures and charts) is not theirs; its editor is
 * reused here with the admin's own department list.
 */
export function ThresholdsSection({ directory }: { directory: z.infer<typeof DirectoryAdminSchema> | null }) {
  const t = useT();
  const departments = directory?.departments ?? [];
  const [chosen, setChosen] = useState('');
  const departmentId = departments.find((d) => d.id === chosen)?.id ?? departments[0]?.id ?? null;
  if (departmentId === null)
    return <p className="muted">{directory ? t('wall.empty') : t('common.loading')}</p>;
  return (
    <section className="admin-section" data-department-id={departmentId}>
      <DepartmentSelect
        className="field inline-field"
        name="department"
        departments={departments}
        value={departmentId}
        onChange={setChosen}
      />
      <ThresholdEditor key={departmentId} departmentId={departmentId} />
    </section>
  );
}
