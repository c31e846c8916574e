/** The web page of a job (`URL/#/job/UID`): where `exec` says a job can be watched. */
export function jobPageUrl(apiUrl: string, uid: string): string {
  return `${apiUrl.replace(/\/+$/, '')}/#/job/${encodeURIComponent(uid)}`;
}
