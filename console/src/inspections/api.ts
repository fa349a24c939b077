export const inspectionPath = (id: number): string => `/api/v1/inspections/${id}`;

/** The printable report the server renders; `download` makes it a file. */
export const reportUrl = (id: number, download = false): string =>
  `${inspectionPath(id)}/report.html${download ? '?download=1' : ''}`;
