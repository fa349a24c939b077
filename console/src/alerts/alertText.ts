import type { Alert, AlertRule } from '@counterwatch/shared';
import { translate, type Lang } from '../i18n/i18n';
import { serviceName } from '../queue/format';

/** The `details` keys each rule's sentence needs; the server sends them, we do not rely on it. */
const RULE_PARAMS: Record<AlertRule, readonly string[]> = {
  queue_per_counter: ['queue', 'counters'],
  longest_wait: ['minutes'],
  expected_wait: ['minutes'],
  counter_idle: ['minutes', 'waiting'],
  long_service: ['minutes'],
  media_offline: ['minutes'],
  unsatisfied_rating: ['ticket'],
  low_satisfaction: ['percent'],
  // Recording rules are new on the server; their facts are assumed until it sends them.
  recording_gap: ['minutes'],
  storage_full: ['percent'],
};

/** Short name of the rule: "Chờ quá lâu". */
export function ruleTitle(lang: Lang, rule: AlertRule): string {
  return translate(lang, `alert.rule.${rule}`);
}

/**
 * The alert as a sentence with its facts: "12 người chờ cho 2 quầy mở".
 * When a fact the sentence needs is missing, the rule's name stands in
 * rather than a sentence with a hole in it.
 */
export function alertMessage(lang: Lang, alert: Pick<Alert, 'rule' | 'details' | 'subject'>): string {
  const params: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(alert.details)) {
    if (value === null) continue;
    // Minutes and percentages read best whole; counts are whole already. Numbers stay numbers:
    // translate() writes them in the language's format, and a plural picks its form by them.
    params[key] = typeof value === 'number' ? Math.round(value) : value;
  }
  if (alert.rule === 'unsatisfied_rating' && params.ticket === undefined && alert.subject !== null) {
    params.ticket = alert.subject; // the rated ticket is the alert's subject
  }
  if (alert.rule === 'expected_wait') {
    // A department's expected wait is per service: say which ("… 45 phút — Căn cước").
    const sentence =
      params.minutes === undefined && alert.details.unbounded === 'yes'
        ? translate(lang, 'alert.msg.expected_wait_unbounded')
        : sentenceOf(lang, alert.rule, params);
    const service = alert.details.service;
    return typeof service === 'string' ? `${sentence} — ${serviceName(lang, service)}` : sentence;
  }
  if (alert.rule === 'storage_full' && typeof alert.details.node === 'string') {
    // A media node's disk: say which machine the IT officer has to see to.
    return `${sentenceOf(lang, alert.rule, params)} — ${translate(lang, 'alert.node', { node: alert.details.node })}`;
  }
  return sentenceOf(lang, alert.rule, params);
}

function sentenceOf(lang: Lang, rule: AlertRule, params: Record<string, string | number>): string {
  const complete = RULE_PARAMS[rule].every((key) => key in params);
  return complete ? translate(lang, `alert.msg.${rule}`, params) : ruleTitle(lang, rule);
}
