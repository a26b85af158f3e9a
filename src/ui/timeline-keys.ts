import { arrowTarget, renderedItems } from './timeline-anchor.js';

/**
 * Arrow keys move the focus between the timeline's items (the items' own
 * buttons follow with Tab): a log of thousands of items is not a tab stop each.
 */
export function focusByArrow(
  event: KeyboardEvent,
  scroller: HTMLElement | undefined,
  list: HTMLElement | undefined,
): void {
  if (event.key !== 'ArrowUp' && event.key !== 'ArrowDown') return;
  if (!scroller) return;
  const element = arrowTarget(scroller, renderedItems(list), event.key === 'ArrowUp');
  if (!element) return;
  event.preventDefault();
  element.focus();
  element.scrollIntoView({ block: 'nearest' });
}
