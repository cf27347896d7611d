/** JSON pointers (RFC 6901): `/Statement/0/Condition/StringLike/token.actions.githubusercontent.com~1acme:sub`. */
export function pointerOf(parts: (string | number)[]): string {
  return parts.map((p) => `/${String(p).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function partsOf(pointer: string): string[] {
  return pointer === ''
    ? []
    : pointer
        .slice(1)
        .split('/')
        .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}
