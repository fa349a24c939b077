/** The business day lives in shared/ (the demo, the console and the tests need it too). */
export {
  DEPARTMENT_TIME_ZONE,
  businessDayLabel,
  businessDayStart,
  localHour,
  localWeekdayAndMinute,
  zoneOffsetMs,
} from '@counterwatch/shared';
