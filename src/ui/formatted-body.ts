import DOMPurify, { type Config } from 'dompurify';
import type { JsonObject } from '../core/json.js';

/**
 * Sanitising `formatted_body` (`format: "org.matrix.custom.html"`) of messages
 * from other servers, with DOMPurify and the client-server API's recommended
 * tags and per-tag attributes (m.room.message msgtypes). The output is the only
 * HTML the UI ever renders with `unsafeHTML`; plain `body` text is never parsed.
 *
 * Beyond DOMPurify's allowlists: attributes are checked per tag, colours must
 * be `#rrggbb` (turned into our own inline colour, since no `style` gets
 * through), links must be absolute with a safe scheme and open in a new tab
 * with `rel="noopener noreferrer"`, images are never loaded (their alt text is
 * shown), `mx-reply` is dropped with its content, and tags nested deeper than
 * 100 levels are flattened to text.
 */

/** The `format` value this module renders. */
export const MATRIX_HTML = 'org.matrix.custom.html';

/** The spec's suggested tags, plus the older `font` and `strike` still sent by some clients. */
const TAGS = [
  'font',
  'del',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'p',
  'a',
  'ul',
  'ol',
  'sup',
  'sub',
  'li',
  'b',
  'i',
  'u',
  'strong',
  'em',
  's',
  'strike',
  'code',
  'hr',
  'br',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'caption',
  'pre',
  'span',
  'img',
  'details',
  'summary',
];

/** Permitted attributes per tag; anything else is removed. */
const TAG_ATTRIBUTES: Record<string, readonly string[]> = {
  font: ['data-mx-bg-color', 'data-mx-color', 'color'],
  span: ['data-mx-bg-color', 'data-mx-color', 'data-mx-spoiler', 'data-mx-maths'],
  a: ['name', 'target', 'href'],
  img: ['width', 'height', 'alt', 'title', 'src'],
  ol: ['start'],
  code: ['class'],
  div: ['data-mx-maths'],
};

const ATTRIBUTES = [...new Set(Object.values(TAG_ATTRIBUTES).flat())];

/** Schemes a link may use (absolute URLs only). */
const LINK = /^(?:https?|ftp|mailto|magnet):/i;
/** Matrix content URIs, the only image source the spec permits. */
const MXC = /^mxc:\/\/[^/\s]+\/[^\s]+$/i;
const HEX_COLOUR = /^#[0-9a-f]{6}$/i;
/** `<font color>`: a hex colour or a plain colour name, nothing the CSS parser could misread. */
const FONT_COLOUR = /^(?:#[0-9a-f]{3}|#[0-9a-f]{6}|[a-z]{1,20})$/i;
/** The spec: tags must not be nested more than 100 levels deep. */
const MAX_DEPTH = 100;

const CONFIG: Config = {
  ALLOWED_TAGS: TAGS,
  ALLOWED_ATTR: ATTRIBUTES,
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOWED_URI_REGEXP: /^(?:https?|ftp|mailto|magnet|mxc):/i,
  // Not URLs: without this DOMPurify holds them to the URL pattern above and drops
  // them; checkAttributes validates each value instead.
  ADD_URI_SAFE_ATTR: [
    'data-mx-color',
    'data-mx-bg-color',
    'data-mx-spoiler',
    'data-mx-maths',
    'color',
    'start',
    'width',
    'height',
    'target',
  ],
  // The spec: clients strip `mx-reply` and what it holds.
  ADD_FORBID_CONTENTS: ['mx-reply'],
  FORBID_TAGS: ['style', 'script', 'svg', 'math'],
  FORBID_ATTR: ['style'],
  KEEP_CONTENT: true,
  RETURN_DOM_FRAGMENT: true,
};

type Purifier = ReturnType<typeof DOMPurify>;
let purifier: Purifier | undefined;

/** A DOMPurify instance of our own, so our hooks never affect anyone else's. */
function instance(): Purifier {
  if (purifier) return purifier;
  const p = DOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node instanceof Element) checkAttributes(node);
  });
  purifier = p;
  return p;
}

/** Per-tag attribute rules on top of DOMPurify's global allowlist. */
function checkAttributes(element: Element): void {
  const tag = element.localName;
  const allowed = TAG_ATTRIBUTES[tag] ?? [];
  for (const { name, value } of [...element.attributes]) {
    if (!allowed.includes(name) || !validValue(tag, name, value.trim())) {
      element.removeAttribute(name);
    }
  }
  if (tag === 'a') {
    element.setAttribute('rel', 'noopener noreferrer');
    element.setAttribute('target', '_blank');
  }
}

function validValue(tag: string, name: string, value: string): boolean {
  switch (name) {
    case 'href':
      return LINK.test(value);
    case 'src':
      return MXC.test(value);
    case 'data-mx-color':
    case 'data-mx-bg-color':
      return HEX_COLOUR.test(value);
    case 'color':
      return FONT_COLOUR.test(value);
    case 'start':
      return /^-?[0-9]{1,9}$/.test(value);
    case 'width':
    case 'height':
      return /^[0-9]{1,5}$/.test(value);
    case 'class':
      return tag === 'code' && value.split(/\s+/).every((c) => /^language-[\w-]+$/.test(c));
    default:
      return true;
  }
}

/** After DOMPurify: colours applied, images replaced by their text, over-deep nesting flattened. */
function finish(fragment: DocumentFragment): void {
  for (const element of [...fragment.querySelectorAll('*')]) {
    // An ancestor flattened to text took this element with it.
    if (!fragment.contains(element)) continue;
    if (depth(element, fragment) > MAX_DEPTH) {
      element.replaceWith(element.ownerDocument.createTextNode(element.textContent ?? ''));
      continue;
    }
    // Both values passed the #rrggbb check above, so this style is ours, not the sender's.
    const colour = element.getAttribute('data-mx-color');
    const background = element.getAttribute('data-mx-bg-color');
    const style = [
      colour ? `color: ${colour};` : '',
      background ? `background-color: ${background};` : '',
    ].join(' ');
    if (style.trim()) element.setAttribute('style', style.trim());
    if (element.localName === 'img') {
      const label = element.getAttribute('alt') || element.getAttribute('title') || 'image';
      const text = element.ownerDocument.createElement('span');
      text.className = 'mx-image';
      text.textContent = `[${label}]`;
      element.replaceWith(text);
    }
  }
}

function depth(element: Element, root: DocumentFragment): number {
  let n = 0;
  for (let node: Node | null = element; node && node !== root; node = node.parentNode) n++;
  return n;
}

/** Sanitised results by input: re-renders of the same message cost a lookup. */
const cache = new Map<string, string>();
const CACHE_SIZE = 500;

/**
 * `html` (a `formatted_body`) made safe to render: a string of allowed markup
 * only. Needs a DOM (runs in the page).
 */
export function sanitizeFormattedBody(html: string): string {
  const hit = cache.get(html);
  if (hit !== undefined) return hit;
  const fragment = instance().sanitize(html, { ...CONFIG, RETURN_DOM_FRAGMENT: true });
  finish(fragment);
  const holder = document.createElement('div');
  holder.append(fragment);
  const safe = holder.innerHTML;
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(html, safe);
  return safe;
}

/** The message's `formatted_body` if it is Matrix HTML; otherwise undefined (show `body` as text). */
export function formattedBodyOf(content: JsonObject): string | undefined {
  return content.format === MATRIX_HTML && typeof content.formatted_body === 'string'
    ? content.formatted_body
    : undefined;
}
