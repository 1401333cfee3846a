"""``python -m lessons`` lists the lessons; ``python -m lessons <name> [flags]`` runs one;
``python -m lessons report [--runs DIR] [--readme FILE]`` prints the measured-vs-course tables;
``python -m lessons report --html`` writes ``<runs>/index.html`` linking every run's report.html;
``python -m lessons cache [--clear]`` shows (or empties) the persistent XLA compile cache."""
import argparse
import importlib
import os
import sys

from lessons import available


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line and exit status 2, as the lessons' own flags
        self.exit(2, f"{self.prog}: error: {message}\n")


def report(argv) -> int:
    p = _Parser(prog="python -m lessons report",
                description="Print the measured-vs-course tables (Markdown) of finished runs: "
                            "each lesson's results.json under --runs.")
    p.add_argument("--runs", default="runs", help="folder of runs, one per lesson (default runs/)")
    p.add_argument("--readme", default=None,
                   help="also write the tables into this file, between its "
                        "'<!-- report:begin -->' and '<!-- report:end -->' markers")
    p.add_argument("--html", action="store_true",
                   help="write <runs>/index.html instead (every run's headline numbers, linking "
                        "its report.html; a self-contained page) and print its path")
    args = p.parse_args(argv)
    from tfcourse import report as rep
    from tfcourse.errors import UsageError

    try:
        runs = rep.collect(args.runs)
        if not runs:
            raise UsageError(f"--runs: no lesson's results.json under {args.runs}/ "
                             f"(run a lesson first: python -m lessons.<name>)")
        table = rep.markdown(runs)
        if args.readme:
            rep.update_readme(args.readme, table)
        if args.html:
            from pathlib import Path

            from tfcourse import report_html

            index = report_html.write_atomic(
                Path(args.runs) / "index.html",
                report_html.index_page(runs, rep.run_folders(args.runs)))
    except UsageError as exc:
        print(f"{p.prog}: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # an unwritable runs folder: bad input, not a bug
        print(f"{p.prog}: error: --runs: cannot write {exc.filename}: {exc.strerror}",
              file=sys.stderr)
        return 2
    print(index if args.html else table, end="\n" if args.html else "")
    fast = [name for name, r in runs.items() if r.get("settings", {}).get("fast")]
    if fast:
        print(f"note: {len(fast)} of the runs are --fast smoke tests: {', '.join(fast)}",
              file=sys.stderr)
    return 0


def _compile_cache_module():
    """``tfcourse.compile_cache`` without importing ``tfcourse`` (and TensorFlow with it)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("tfcourse")
    path = Path(spec.origin).parent / "compile_cache.py"
    spec = importlib.util.spec_from_file_location("_tfcourse_compile_cache", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cache(argv) -> int:
    p = _Parser(prog="python -m lessons cache",
                description="The persistent XLA compile cache (tfcourse.compile_cache): its "
                            "folder and size, or --clear to empty it. TFCOURSE_XLA_CACHE=DIR "
                            "moves it, TFCOURSE_XLA_CACHE=off turns it off.")
    p.add_argument("--clear", action="store_true", help="remove every cached executable")
    args = p.parse_args(argv)
    cc = _compile_cache_module()
    folder = cc.enable()
    if folder is None:
        print(f"XLA compile cache: off ({cc.ENV}={os.environ.get(cc.ENV, '')!r})")
        return 0
    if args.clear:
        print(f"XLA compile cache {folder}: removed {cc.clear(folder)} entries")
        return 0
    entries, size = cc.size(folder)
    print(f"XLA compile cache {folder}: {entries} entries, {size / 2**20:.1f} MiB")
    return 0


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lessons = available()
    if not argv or argv[0] in {"-h", "--help", "list"}:
        width = max(map(len, lessons), default=0)
        print("Lessons (run one with: python -m lessons.<name> [--fast] [--help]):\n")
        for name, summary in lessons.items():
            print(f"  {name:<{width}}  {summary}")
        print("\nResults of finished runs as Markdown tables: python -m lessons report [--help];"
              "\nas a web page linking every run's report.html: python -m lessons report --html"
              "\nthe compile cache that makes a second run faster: python -m lessons cache [--clear]")
        return 0
    name, rest = argv[0], argv[1:]
    if name == "report":
        return report(rest)
    if name == "cache":
        return cache(rest)
    if name not in lessons:
        print(f"python -m lessons: error: unknown lesson {name!r}; "
              f"'python -m lessons' lists the {len(lessons)} lessons", file=sys.stderr)
        return 2
    import tfcourse  # noqa: F401  (TensorFlow imported quietly, before the lesson's Keras)

    module = importlib.import_module(f"lessons.{name}")
    return module.LESSON.main(rest)


if __name__ == "__main__":
    sys.exit(main())
