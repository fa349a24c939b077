import { createContext, useContext } from 'react';
import { ConsoleLink } from '../connection/ConsoleLink';
import { MediaClient } from '../media/MediaClient';

/**
 * The console's long-lived non-React objects. Created once, when a logged-in
 * page needs them (the kiosk and agent pages never open the console socket).
 */
export interface ConsoleServices {
  link: ConsoleLink;
  media: MediaClient;
}

let services: ConsoleServices | undefined;

export function consoleServices(): ConsoleServices {
  if (!services) {
    const link = new ConsoleLink();
    services = { link, media: new MediaClient(link) };
  }
  return services;
}

export const ServicesContext = createContext<ConsoleServices | null>(null);

export function useServices(): ConsoleServices {
  const value = useContext(ServicesContext);
  if (!value) throw new Error('useServices outside ServicesContext');
  return value;
}
