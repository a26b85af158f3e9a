import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ChromiumSession, launchChromium, ROOT } from './helpers/browser.js';
import { nodeUrl } from './helpers/node-page.js';

/**
 * The virtualised timeline over a real node in its worker, in Chromium: a
 * room of 2,000 messages keeps few items in the DOM, scrolling up reads older
 * pages without moving what is on screen, new messages stick to the bottom or
 * count in a pill, and hostile `formatted_body` HTML never runs while allowed
 * formatting shows. In-page code is passed as strings (see browser-node-bench.ts).
 */

const SHOTS = join(ROOT, 'test-results');
const MESSAGES = 2000;

let browser: ChromiumSession;
let page: Page;
const pageErrors: string[] = [];

/** In-page helpers: a query through every open shadow root, and the timeline's scroller. */
const HELPERS = `
  const deep = (selector) => {
    const found = [];
    const walk = (root) => {
      found.push(...root.querySelectorAll(selector));
      for (const element of root.querySelectorAll('*')) if (element.shadowRoot) walk(element.shadowRoot);
    };
    walk(document);
    return found;
  };
  const timeline = () => deep('tp-timeline')[0];
  const scroller = () => timeline().shadowRoot.querySelector('.scroller');
  const itemWith = (text) => deep('tp-timeline-item').find((e) => e.shadowRoot.textContent.includes(text));
  const offsetOf = (element) => element.getBoundingClientRect().top - scroller().getBoundingClientRect().top;
`;

function run<T>(code: string): Promise<T> {
  return page.evaluate(`(async () => { ${HELPERS} ${code} })()`) as Promise<T>;
}

function label(n: number): string {
  return `Message ${String(n).padStart(4, '0')}`;
}

async function openRoom(roomId: string): Promise<void> {
  await page.evaluate(`location.hash = '#room=' + encodeURIComponent(${JSON.stringify(roomId)})`);
}

async function createRoom(name: string): Promise<string> {
  return (await page.evaluate(
    `window.__tidepool.api.createRoom({ name: ${JSON.stringify(name)} })`,
  )) as string;
}

async function sendMessages(roomId: string, messages: object[]): Promise<void> {
  await page.evaluate(
    `window.__tidepool.api.sendMessages(${JSON.stringify(roomId)}, ${JSON.stringify(messages)})`,
  );
}

/** Whether an item showing `text` is rendered and inside the scroller's visible box. */
function visible(text: string): Promise<boolean> {
  return run<boolean>(`
    const element = itemWith(${JSON.stringify(text)});
    if (!element) return false;
    const box = element.getBoundingClientRect();
    const view = scroller().getBoundingClientRect();
    return box.bottom > view.top && box.top < view.bottom;
  `);
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 800 });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  await page.goto(nodeUrl('uitimeline'));
  await page.getByRole('button', { name: 'New room' }).waitFor({ timeout: 60_000 });
});

afterAll(async () => {
  await browser?.close();
});

describe('a long room', () => {
  let roomId: string;

  beforeAll(async () => {
    roomId = await createRoom('Long room');
    for (let sent = 0; sent < MESSAGES; sent += 200) {
      await sendMessages(
        roomId,
        Array.from({ length: 200 }, (_, i) => ({ msgtype: 'm.text', body: label(sent + i) })),
      );
    }
    await openRoom(roomId);
    await page.getByRole('heading', { level: 2, name: 'Long room' }).waitFor();
  });

  it('opens at the newest message', async () => {
    await expect.poll(() => visible(label(MESSAGES - 1)), { timeout: 30_000 }).toBe(true);
  });

  it('reads an older page near the top without moving what is on screen', async () => {
    const before = await run<{ text: string; offset: number; count: number }>(`
      const s = scroller();
      const t = timeline();
      const count = t.shown.length;
      const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));
      // Holds the read back (as if one were running) until the view is measured.
      t.loadingOlder = true;
      s.dispatchEvent(new WheelEvent('wheel', { deltaY: -100 }));
      s.scrollTop = 200;
      for (let i = 0; i < 4; i++) await frame();
      const view = s.getBoundingClientRect();
      const first = deep('tp-timeline-item')
        .filter((e) => e.getBoundingClientRect().bottom > view.top + 40)
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)[0];
      const text = first.shadowRoot.querySelector('.body').textContent;
      const offset = offsetOf(first);
      // Now the user's wheel, near the top.
      t.loadingOlder = false;
      s.dispatchEvent(new WheelEvent('wheel', { deltaY: -10 }));
      s.scrollTop -= 1;
      return { text, offset: offset + 1, count };
    `);
    await expect
      .poll(() => run<number>('return timeline().shown.length'))
      .toBeGreaterThan(before.count);
    await page.waitForTimeout(300);
    const after = await run<number>(`return offsetOf(itemWith(${JSON.stringify(before.text)}))`);
    expect(Math.abs(after - before.offset)).toBeLessThanOrEqual(4);
  });

  it('scrolls to the top, page by page, until the first message and the start of the room', async () => {
    const box = await page.locator('tp-timeline').boundingBox();
    if (!box) throw new Error('no timeline on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const deadline = Date.now() + 90_000;
    while (!(await visible(label(0)))) {
      if (Date.now() > deadline) throw new Error('the first message never came into view');
      await page.mouse.wheel(0, -4000);
      await page.waitForTimeout(80);
    }
    await page.getByText('This is the start of the room').waitFor();
    await page.screenshot({ path: join(SHOTS, 'ui-timeline-top.png') });
  });

  it('keeps only a small window of the 2,000 messages, in memory and in the DOM', async () => {
    const counts = await run<{ shown: number; inDom: number; first: string }>(`
      const t = timeline();
      const first = t.shown.find((item) => item.type === 'm.room.message');
      return { shown: t.shown.length, inDom: deep('tp-timeline-item').length, first: first?.content.body };
    `);
    expect(counts.first).toBe(label(0));
    expect(counts.inDom).toBeGreaterThan(0);
    expect(counts.inDom).toBeLessThan(150);
    expect(counts.shown).toBeLessThan(MESSAGES / 4);
  });

  it('does not move when new messages arrive while scrolled up, and counts them', async () => {
    const anchor = await run<number>(`return offsetOf(itemWith(${JSON.stringify(label(3))}))`);
    await sendMessages(
      roomId,
      Array.from({ length: 5 }, (_, i) => ({ msgtype: 'm.text', body: `Newer ${i}` })),
    );
    const pill = page.getByRole('button', { name: /5 new messages/ });
    await pill.waitFor();
    const after = await run<number>(`return offsetOf(itemWith(${JSON.stringify(label(3))}))`);
    expect(Math.abs(after - anchor)).toBeLessThanOrEqual(2);
    await pill.click();
    await expect.poll(() => visible('Newer 4'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => pill.count()).toBe(0);
  });

  it('sticks to the bottom when a message arrives there', async () => {
    await page.waitForTimeout(300);
    await sendMessages(roomId, [{ msgtype: 'm.text', body: 'At the bottom' }]);
    await expect.poll(() => visible('At the bottom'), { timeout: 20_000 }).toBe(true);
    expect(await page.getByRole('button', { name: /new message/ }).count()).toBe(0);
  });

  it('moves between items with the arrow keys', async () => {
    await page.locator('tp-timeline').getByRole('log', { name: 'Messages' }).focus();
    await page.keyboard.press('ArrowUp');
    expect(
      await run<string>(
        'return deep("tp-timeline-item").find((e) => e.matches(":focus")).item.content.body',
      ),
    ).toBe('At the bottom');
    await page.keyboard.press('ArrowUp');
    expect(
      await run<string>(
        'return deep("tp-timeline-item").find((e) => e.matches(":focus")).item.content.body',
      ),
    ).toBe('Newer 4');
  });

  it('shows typing people and read marks', async () => {
    await run(`
      const t = timeline();
      const newest = t.shown.at(-1).eventId;
      t.typingUsers = ['Alice'];
      t.readUpTo = new Map([[newest, ['Bob', 'Carol']]]);
    `);
    await page.getByText('Alice is typing…').waitFor();
    await page.getByText('Seen by Bob and Carol').waitFor();
    await run(`timeline().typingUsers = []`);
    await expect.poll(() => page.getByText('Alice is typing…').count()).toBe(0);
  });

  it('scrolls up a long way and back down, reading dropped messages again in order', async () => {
    const box = await page.locator('tp-timeline').boundingBox();
    if (!box) throw new Error('no timeline on screen');
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    // Every item the timeline puts in, whenever it does.
    await run(`
      window.__rendered = new Set();
      const list = timeline().shadowRoot.querySelector('.list');
      const note = (e) => e.item && window.__rendered.add(e.item.content.body);
      [...list.children].forEach(note);
      window.__recorder = new MutationObserver((records) => {
        for (const r of records) r.addedNodes.forEach(note);
      });
      window.__recorder.observe(list, { childList: true });
    `);
    /** The messages rendered now are in order, without gaps. */
    const look = async () => {
      const bodies = await run<string[]>(`
        return deep('tp-timeline-item').map((e) => e.item.content.body).filter((b) => /^Message \\d{4}$/.test(b));
      `);
      const numbers = bodies.map((b) => Number(b.slice(8)));
      for (let i = 1; i < numbers.length; i++) expect(numbers[i]).toBe((numbers[i - 1] ?? 0) + 1);
    };
    let deadline = Date.now() + 90_000;
    while (!(await visible(label(0)))) {
      if (Date.now() > deadline) throw new Error('the first message never came into view');
      await page.mouse.wheel(0, -4000);
      await page.waitForTimeout(80);
      await look();
    }
    deadline = Date.now() + 90_000;
    while (!(await visible('At the bottom'))) {
      if (Date.now() > deadline) throw new Error('the newest message never came back into view');
      await page.mouse.wheel(0, 3000);
      await page.waitForTimeout(80);
      await look();
    }
    const seen = new Set(
      await run<string[]>('window.__recorder.disconnect(); return [...window.__rendered]'),
    );
    const missing = Array.from({ length: MESSAGES }, (_, i) => label(i)).filter(
      (l) => !seen.has(l),
    );
    expect(missing).toEqual([]);
    expect(await run<number>(`return deep('tp-timeline-item').length`)).toBeLessThan(150);
    // Nothing is left behind in the list by the thousands of items that came and went.
    const list = await run<{ nodes: number; items: number }>(`
      const list = timeline().shadowRoot.querySelector('.list');
      return { nodes: list.childNodes.length, items: list.querySelectorAll(':scope > tp-timeline-item').length };
    `);
    expect(list.nodes).toBe(list.items);
  });
});

describe('the developer switch', () => {
  it('shows a redaction event only while it is on, the deleted message either way', async () => {
    const roomId = await createRoom('Developer marks');
    await sendMessages(roomId, [{ msgtype: 'm.text', body: 'To be deleted' }]);
    await openRoom(roomId);
    await page.getByRole('heading', { level: 2, name: 'Developer marks' }).waitFor();
    await expect.poll(() => visible('To be deleted'), { timeout: 20_000 }).toBe(true);
    await page.evaluate(`(async () => {
      const api = window.__tidepool.api;
      const roomId = ${JSON.stringify(roomId)};
      const { items } = await api.timeline(roomId, { limit: 5 });
      await api.redact(roomId, items.find((i) => i.content.body === 'To be deleted').eventId);
    })()`);
    await expect.poll(() => visible('Message deleted'), { timeout: 20_000 }).toBe(true);
    const redactions = () =>
      run<number>(
        `return deep('tp-timeline-item').filter((e) => e.item.type === 'm.room.redaction').length`,
      );
    expect(await redactions()).toBe(0);
    await run('timeline().showHidden = true');
    await expect.poll(() => visible('deleted an event')).toBe(true);
    await run('timeline().showHidden = false');
    await expect.poll(redactions).toBe(0);
    expect(await visible('Message deleted')).toBe(true);
  });
});

/** Hostile `formatted_body` values; each carries a marker in its plain `body`. */
const HOSTILE: string[] = [
  '<script>window.__pwned = 1</script>script',
  '<img src=x onerror="window.__pwned = 2">',
  '<a href="javascript:window.__pwned = 3">js link</a>',
  '<svg><script>window.__pwned = 4</script></svg><svg onload="window.__pwned = 4"></svg>svg',
  '<style>body { display: none }</style>style',
  '<a href="data:text/html,<script>window.__pwned = 6</script>">data link</a>',
  '<img src="data:image/png;base64,AAAA" alt="data image">',
  '<math><mtext><table><mglyph><style><img src=x onerror="window.__pwned = 8">',
  '<noscript><p title="</noscript><img src=x onerror=window.__pwned=9>">',
  '<form><math><mtext></form><form><mglyph><style></math><img src onerror=window.__pwned=10>',
  '<iframe src="javascript:window.__pwned = 11"></iframe>iframe',
  '<b onclick="window.__pwned = 12" style="position:fixed;inset:0">held</b>',
  '<a href=" JaVaScRiPt:window.__pwned = 13">mixed case</a><a href="java&#x09;script:window.__pwned=13">tab</a>',
  '<details open ontoggle="window.__pwned = 14"><summary>sum</summary>details</details>',
  '<font color="red" data-mx-color="#ff0000;background:url(x)">font</font>',
  '<object data="javascript:window.__pwned = 16"></object><embed src="javascript:window.__pwned = 16">embed',
  '<input autofocus onfocus="window.__pwned = 17">input',
  '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:window.__pwned=18">meta',
  '<a href="/relative">relative</a>',
  '<mx-reply><a href="https://evil.example/">quoted</a></mx-reply>after the reply',
  '<img src="mxc://example.org/abc" alt="cat picture">',
  `${'<div>'.repeat(150)}deep${'</div>'.repeat(150)}`,
  '<p>x</p><template><img src=x onerror="window.__pwned = 23"></template>',
  '<a href="https://example.org/x" onmouseover="window.__pwned = 24" target="_self" rel="opener">safe link</a>',
];

describe('formatted bodies from other servers', () => {
  beforeAll(async () => {
    await page.setViewportSize({ width: 1280, height: 2400 });
    await page.evaluate('window.__pwned = undefined');
    const roomId = await createRoom('Hostile HTML');
    await sendMessages(roomId, [
      ...HOSTILE.map((html, i) => ({
        msgtype: 'm.text',
        body: `case-${i}`,
        formattedBody: `<i>case-${i}</i> ${html}`,
      })),
      {
        msgtype: 'm.text',
        body: 'allowed',
        formattedBody:
          '<b>bold</b> <a href="https://example.org/page">a link</a> <span data-mx-color="#00aa00">green</span> <code class="language-js">x</code> allowed',
      },
    ]);
    await openRoom(roomId);
    await page.getByRole('heading', { level: 2, name: 'Hostile HTML' }).waitFor();
    const deadline = Date.now() + 30_000;
    while (!(await visible('allowed'))) {
      if (Date.now() > deadline) throw new Error('the messages never showed');
      await page.waitForTimeout(100);
    }
    await page.waitForTimeout(500);
  });

  afterAll(async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('never runs script from any of them', async () => {
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
  });

  it.each(HOSTILE.map((html, i) => [i, html] as const))('case %i is inert: %s', async (i) => {
    const found = await run<null | {
      dangerous: string[];
      attributes: string[];
      hrefs: string[];
      text: string;
    }>(`
      const item = itemWith('case-${i}');
      if (!item) return null;
      const body = item.shadowRoot.querySelector('.body');
      const all = [...body.querySelectorAll('*')];
      return {
        dangerous: all
          .map((e) => e.localName)
          .filter((n) => ['script', 'svg', 'math', 'style', 'iframe', 'object', 'embed', 'img', 'input', 'base', 'meta', 'template', 'form', 'noscript', 'mx-reply'].includes(n)),
        attributes: all.flatMap((e) => [...e.attributes].map((a) => e.localName + ' ' + a.name + '=' + a.value)),
        hrefs: all.filter((e) => e.localName === 'a').map((e) => e.getAttribute('href') ?? ''),
        text: body.textContent,
      };
    `);
    expect(found, `case-${i} is rendered`).not.toBeNull();
    if (!found) return;
    expect(found.dangerous).toEqual([]);
    for (const attribute of found.attributes) {
      expect(attribute).not.toMatch(/^\S+ on/);
      expect(attribute).toMatch(
        /^(a (href=https?:|rel=noopener noreferrer$|target=_blank$)|span (class=mx-image|style=(background-)?color: #[0-9a-f]{6};$|data-mx-(bg-)?color=#[0-9a-f]{6}$)|font color=red$|details open=$|code class=language-)/i,
      );
    }
    for (const href of found.hrefs) if (href) expect(href).toMatch(/^https?:\/\//);
    expect(found.text).not.toContain('quoted');
  });

  it('shows allowed formatting: bold, links opened safely, colours, code', async () => {
    const allowed = await run<{ bold: string; link: string[]; colour: string; code: string }>(`
      const body = itemWith('allowed').shadowRoot.querySelector('.body');
      const a = body.querySelector('a');
      return {
        bold: body.querySelector('b')?.textContent,
        link: [a?.getAttribute('href'), a?.getAttribute('rel'), a?.getAttribute('target'), a?.textContent],
        colour: getComputedStyle(body.querySelector('span')).color,
        code: body.querySelector('code')?.className,
      };
    `);
    expect(allowed).toEqual({
      bold: 'bold',
      link: ['https://example.org/page', 'noopener noreferrer', '_blank', 'a link'],
      colour: 'rgb(0, 170, 0)',
      code: 'language-js',
    });
    const image = await run<string>(
      `return itemWith('case-20').shadowRoot.querySelector('.body').textContent`,
    );
    expect(image).toContain('[cat picture]');
    await page.screenshot({ path: join(SHOTS, 'ui-timeline-formatted.png') });
  });

  it('logged no errors in the page', () => {
    expect(pageErrors).toEqual([]);
  });
});
