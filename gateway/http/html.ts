/** Text put into HTML the server renders: every string shown is escaped, attributes included. */
export const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
