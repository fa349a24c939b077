import type { z } from 'zod';

/**
 * A protocol direction is the set of requests and notifications one side may
 * send to the other. Each message is `{ name, data, response }`, with zod
 * schemas so the receiver validates what it gets.
 */
export interface RequestSpec<D extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  readonly data: D;
  readonly response: R;
}
export interface NotificationSpec<D extends z.ZodType = z.ZodType> {
  readonly data: D;
}
export interface Direction {
  readonly requests: Readonly<Record<string, RequestSpec>>;
  readonly notifications: Readonly<Record<string, NotificationSpec>>;
}

export const request = <D extends z.ZodType, R extends z.ZodType>(
  data: D,
  response: R,
): RequestSpec<D, R> => ({
  data,
  response,
});
export const notification = <D extends z.ZodType>(data: D): NotificationSpec<D> => ({ data });

export type RequestName<Dir extends Direction> = keyof Dir['requests'] & string;
export type NotificationName<Dir extends Direction> = keyof Dir['notifications'] & string;
export type RequestData<Dir extends Direction, N extends RequestName<Dir>> = z.input<
  Dir['requests'][N]['data']
>;
export type ResponseData<Dir extends Direction, N extends RequestName<Dir>> = z.output<
  Dir['requests'][N]['response']
>;
export type NotificationData<Dir extends Direction, N extends NotificationName<Dir>> = z.input<
  Dir['notifications'][N]['data']
>;

/** The requests of a direction as a discriminated union, for `switch (request.name)`. */
export type IncomingRequest<Dir extends Direction> = {
  [N in RequestName<Dir>]: {
    name: N;
    data: z.output<Dir['requests'][N]['data']>;
    /** Type-only: what the handler must answer. */
    response?: z.input<Dir['requests'][N]['response']>;
  };
}[RequestName<Dir>];

/** The notifications of a direction as a discriminated union. */
export type IncomingNotification<Dir extends Direction> = {
  [N in NotificationName<Dir>]: { name: N; data: z.output<Dir['notifications'][N]['data']> };
}[NotificationName<Dir>];

/** What a request handler must answer for a given request. */
export type ResponseFor<R extends { response?: unknown }> = NonNullable<R['response']>;

/** `requestHello(data)`, `notifyHeartbeat(data)`… derived from a direction. */
export type ProtocolApi<Dir extends Direction> = {
  [N in RequestName<Dir> as `request${Capitalize<N>}`]: (
    data: RequestData<Dir, N>,
  ) => Promise<ResponseData<Dir, N>>;
} & {
  [N in NotificationName<Dir> as `notify${Capitalize<N>}`]: (data: NotificationData<Dir, N>) => void;
};
