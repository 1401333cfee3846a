"""``python -m lessons`` lists the lessons; ``python -m lessons <name> [flags]`` runs one."""
import importlib
import sys

from lessons import available


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lessons = available()
    if not argv or argv[0] in {"-h", "--help", "list"}:
        width = max(map(len, lessons), default=0)
        print("Lessons (run one with: python -m lessons.<name> [--fast] [--help]):\n")
        for name, summary in lessons.items():
            print(f"  {name:<{width}}  {summary}")
        return 0
    name, rest = argv[0], argv[1:]
    if name not in lessons:
        print(f"python -m lessons: error: unknown lesson {name!r}; "
              f"'python -m lessons' lists the {len(lessons)} lessons", file=sys.stderr)
        return 2
    import tfcourse

    tfcourse.import_tensorflow_quietly()
    module = importlib.import_module(f"lessons.{name}")
    return module.LESSON.main(rest)


if __name__ == "__main__":
    sys.exit(main())
