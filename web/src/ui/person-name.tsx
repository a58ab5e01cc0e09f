import { personMark } from '@ferry/common';

/**
 * A person's name (always as text) with the short code and colour derived from their publicId
 * (common: person-code.ts): two people named alike still read differently, and the host can ask
 * "is your code 7F3A?". Screen readers hear "Ana, code 7F3A".
 */
export function PersonName({ name, publicId, id }: { name: string; publicId: string; id?: string }) {
  return (
    <span class="person-label" id={id}>
      <span class="name-text">{name}</span>
      <span class="visually-hidden">, code</span> <PersonCode publicId={publicId} />
    </span>
  );
}

/** The code alone, with its colour swatch (the waiting guest's own code). */
export function PersonCode({ publicId }: { publicId: string }) {
  const { code, hue } = personMark(publicId);
  return (
    <span class="person-code">
      {/* A style object, set through the CSSOM: the CSP forbids style attributes. */}
      <span class="person-swatch" aria-hidden="true" style={{ backgroundColor: `hsl(${hue} 70% 45%)` }} />
      {code}
    </span>
  );
}
