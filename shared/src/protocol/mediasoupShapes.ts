import { z } from 'zod';

/**
 * Outer shapes of the mediasoup objects that cross the wire. They are checked
 * here for size and form; mediasoup (server) and mediasoup-client (browser)
 * validate the inside and their errors come back as `invalid_message`.
 */
const Bounded = z.looseObject({}).refine((v) => JSON.stringify(v).length <= 32 * 1024, 'is too large');

export const RtpCapabilitiesSchema = Bounded;
export const RtpParametersSchema = Bounded;
export const IceParametersSchema = z.looseObject({
  usernameFragment: z.string().max(256),
  password: z.string().max(256),
});
export const IceCandidatesSchema = z.array(z.looseObject({ ip: z.string(), port: z.number() })).max(16);
/** The hash functions mediasoup and mediasoup-client know (RFC 8122 names). */
export const FingerprintAlgorithmSchema = z.enum(['sha-1', 'sha-224', 'sha-256', 'sha-384', 'sha-512']);
export const DtlsParametersSchema = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z
    .array(z.object({ algorithm: FingerprintAlgorithmSchema, value: z.string().max(256) }))
    .min(1)
    .max(8),
});

export const WebRtcTransportInfoSchema = z.object({
  transportId: z.string(),
  iceParameters: IceParametersSchema,
  iceCandidates: IceCandidatesSchema,
  dtlsParameters: DtlsParametersSchema,
});
export type WebRtcTransportInfo = z.infer<typeof WebRtcTransportInfoSchema>;
