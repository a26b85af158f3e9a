/**
 * In-page helpers the browser benches share, as source text spliced into the
 * code they hand `page.evaluate` (tsx would otherwise rewrite functions the
 * page cannot run): a sleep, a long-task recorder and a bounded wait.
 */
export const PAGE_TIMING = `
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const recordTasks = () => {
    const tasks = [];
    const observer = new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration)));
    observer.observe({ type: 'longtask' });
    return { stop: () => { observer.disconnect(); return tasks; } };
  };
  const until = async (test, ms, what) => {
    const end = performance.now() + ms;
    while (!test()) {
      if (performance.now() > end) throw new Error('timed out waiting for ' + what);
      await sleep(10);
    }
  };
`;
