import type { ReactNode } from 'react';
import { useT } from '../i18n/i18n';
import { useCounterOptions } from '../store/names';
import { useStore } from '../store/store';

interface SelectProps {
  value: string;
  onChange: (value: string) => void;
  /** The form field's name (tests and forms find it by name). */
  name: string;
  /** Text of a first option with the value '' ("all", "any counter"); none if absent. */
  emptyOption?: string;
  label?: ReactNode;
  className?: string;
  required?: boolean;
}

/** A department picker; the departments of the live scope unless given (the admin's directory). */
export function DepartmentSelect({
  departments,
  ...props
}: SelectProps & { departments?: readonly { id: string; name: string }[] }) {
  const t = useT();
  const inScope = useStore((s) => s.departments);
  return (
    <PlaceSelect {...props} label={props.label ?? t('common.department')} options={departments ?? inScope} />
  );
}

/** A picker of one department's counters ('' = every department's), in wall order. */
export function CounterSelect({ departmentId, ...props }: SelectProps & { departmentId: string }) {
  const t = useT();
  const options = useCounterOptions(departmentId);
  return <PlaceSelect {...props} label={props.label ?? t('common.counter')} options={options} />;
}

function PlaceSelect({
  value,
  onChange,
  name,
  emptyOption,
  label,
  className,
  required,
  options,
}: SelectProps & { options: readonly { id: string; name: string }[] }) {
  return (
    <label className={className}>
      {label}
      <select name={name} value={value} required={required} onChange={(e) => onChange(e.target.value)}>
        {emptyOption !== undefined && <option value="">{emptyOption}</option>}
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.name}
          </option>
        ))}
      </select>
    </label>
  );
}
