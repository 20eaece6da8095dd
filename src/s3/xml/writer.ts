// A tiny XML writer for S3 response shapes: escapes text and builds elements from plain values.

const S3_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function escapeXml(text: string): string {
  // Control characters other than tab/newline/CR are not allowed in XML 1.0 text; emit them as
  // numeric references so keys containing them still round-trip through clients that decode.
  return text.replace(/[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, (ch) => {
    switch (ch) {
      case '&': return '&amp;';
      case '<': return '&lt;';
      case '>': return '&gt;';
      case '"': return '&quot;';
      case "'": return '&apos;';
      default: return `&#x${ch.charCodeAt(0).toString(16)};`;
    }
  });
}

/** A node of the response tree: an element name with text, children, or nothing. */
export type XmlValue = string | number | boolean | undefined | null | XmlNode | XmlValue[];
export interface XmlNode {
  [name: string]: XmlValue;
}

function renderValue(name: string, value: XmlValue, out: string[]): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    for (const item of value) renderValue(name, item, out);
    return;
  }
  if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [child, childValue] of Object.entries(value)) renderValue(child, childValue, out);
    out.push(`</${name}>`);
    return;
  }
  out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
}

/** Renders `<Root xmlns="...">…</Root>` with the XML declaration, as S3 does. */
export function renderXmlDocument(rootName: string, body: XmlNode, withNamespace = true): string {
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>\n'];
  out.push(withNamespace ? `<${rootName} xmlns="${S3_NAMESPACE}">` : `<${rootName}>`);
  for (const [name, value] of Object.entries(body)) renderValue(name, value, out);
  out.push(`</${rootName}>`);
  return out.join('');
}
