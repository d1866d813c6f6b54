"""TAP output of the whole run and the final summary line."""
import re
import sys

TAP_LINE = re.compile(r'^(ok|not ok) \d+ - (.*?)(?: # (SKIP)\b ?(.*)| # (.*))?$')


class Results:
    def __init__(self):
        self.count = 0
        self.passed = 0
        self.failed = 0
        self.skipped = 0
        self.failures = []
        self.seen_failures = set()

    def _emit(self, line):
        sys.stdout.write(line + '\n')
        sys.stdout.flush()

    def ok(self, name):
        self.count += 1
        self.passed += 1
        self._emit(f'ok {self.count} - {name}')

    def fail(self, name, why=''):
        self.count += 1
        self.failed += 1
        self.failures.append(f'{name}: {why}')
        why = ' '.join(str(why).split())
        self._emit(f'not ok {self.count} - {name}' + (f' # {why}' if why else ''))

    def skip(self, name, why):
        self.count += 1
        self.skipped += 1
        self._emit(f'ok {self.count} - {name} # SKIP {why}')

    def check(self, name, passed, why=''):
        if passed:
            self.ok(name)
        else:
            self.fail(name, why)
        return passed

    def expect_eq(self, name, expected, got):
        return self.check(name, expected == got, f'expected {expected!r} got {got!r}')

    def note(self, text):
        for line in str(text).splitlines():
            self._emit(f'# {line}')

    def absorb_tap(self, prefix, text, focus=None):
        """Re-number the checker's TAP lines under this run; returns (lines, plan).

        Every case checks the whole container, but only the lines in its focus count;
        a failure outside it counts once per run, so one bug is not reported N times."""
        lines, plan = 0, None
        for raw in text.splitlines():
            raw = raw.rstrip('\r')
            if raw.startswith('1..'):
                plan = int(raw[3:] or 0)
                continue
            m = TAP_LINE.match(raw)
            if not m:
                continue
            lines += 1
            status, desc, skip, skip_why, comment = m.groups()
            name = f'{prefix}: {desc}'
            in_focus = focus is None or any(desc.startswith(f) for f in focus)
            if not in_focus and (status == 'ok' or desc in self.seen_failures):
                continue
            if status != 'ok':
                self.seen_failures.add(desc)
            if skip:
                self.skip(name, skip_why)
            elif status == 'ok':
                self.ok(name)
            else:
                self.fail(name, comment or '')
        return lines, plan

    def summary(self):
        return f'{self.passed} passed, {self.failed} failed, {self.skipped} skipped'
