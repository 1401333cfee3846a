"""Face recognition: an encoding trained with the triplet loss, verification and one-shot recognition (Course 4, week 4).

Face *verification* is 1:1 — is this the person they claim to be? Face *recognition* is 1:K —
which of K people is this, if any? Both are one-shot problems: the database holds one picture
of each person, far too little to train a classifier on, and a new employee must be added
without retraining. FaceNet's answer is an encoding f(x) on the unit sphere in which pictures
of one person are close and pictures of different people far apart, trained with the triplet
loss on (anchor, positive, negative) triplets:

    L = Σ max(‖f(A) − f(P)‖² − ‖f(A) − f(N)‖² + α, 0),   α = 0.2,

``tfcourse.faces.triplet_loss``. Then verification is a threshold on one distance (the course:
‖f(camera image) − f(database[name])‖ < 0.7, ``verify``) and recognition the nearest encoding
in the database (``who_is_it``); adding a person is adding one encoding.

The data. The course uses a pretrained FaceNet (Inception, 128-d) and photos of its staff;
neither is available offline. This lesson trains its own encoder on generated *parametric
faces* (``tfcourse.data.faces``): each identity is a draw of face shape, skin, eye spacing
and colour, eyebrows, nose, mouth and hair; each picture of it adds a random shift and scale,
lighting (gain and gradient), background colour and pixel noise. Training, threshold choice
and evaluation use three disjoint sets of people: the encoder never sees the people it is
evaluated on, the course's situation.

The steps:

1. **Pixels are not an encoding.** The L2 distance between raw images (normalised to unit
   length) verifies badly: lighting and background move a picture more than identity does.
2. **Triplet training with semi-hard mining.** Each epoch embeds the training pictures, mines
   for every anchor-positive pair its semi-hard negative (``semi_hard_triplets``: farther than
   the positive, but the closest such), and trains one epoch on those triplets
   (``triplet_model`` shares one ``embedding_network`` across the three inputs: a small CNN,
   32 dimensions, L2-normalised).
3. **Verification** on unseen people: the ROC curve of "same person iff distance < t"
   (``roc.png``), the threshold t that maximises accuracy on a *development* set of people,
   and the accuracy at that threshold on the *test* people (and at the course's 0.7).
4. **One-shot recognition**: a database of one picture per test person; every other picture
   is recognised with ``who_is_it``.
5. **Adding a person without retraining**: a few people not yet in the database show up;
   ``unknown_rejection_rate`` is the share of their pictures whose nearest distance is above
   the threshold ("not in the database"). It is well below the verification accuracy: a
   stranger is compared with K people, and K chances to look like someone make 1:K harder
   than 1:1 (the lecture's point; a stricter threshold for recognition would help). Then one
   encoding each is added, and their other pictures are recognised.
6. **Against a softmax classifier** with the same network and embedding budget: trained to
   classify the training people, its 32-d layer, normalised, used as the encoding. A softmax
   over K people cannot take a (K+1)-th without a new output unit and retraining; its hidden
   layer can serve as an encoding, and the comparison shows how well it does against the
   triplet-trained one on people it never saw.

Outputs: ``faces.png`` (pictures of a few people), ``roc.png``, ``distances.png`` (same vs
different distance histograms), ``triplet_loss.png``, ``results.json``, TensorBoard logs,
and the triplet-trained embedding network exported to ``saved_models/c4w4_face_recognition/``
(input: (m, 32, 32, 3) images in [0, 1]; output: (m, 32) unit-length encodings).
"""
import keras
import numpy as np

from tfcourse import plots
from tfcourse.data.faces import make_faces
from tfcourse.faces import (THRESHOLD, auc, best_threshold, embedding_network, img_to_encoding,
                            roc_curve, semi_hard_triplets, stacked_triplet_loss, triplet_model,
                            verification_pairs, who_is_it)
from tfcourse.lesson import Lesson, int_arg

SIZE = 32  # image side
EMBEDDING_DIM = 32  # the embedding budget of both encoders (FaceNet: 128)
PEOPLE = {"train": 80, "dev": 20, "test": 30}  # disjoint sets of identities; --fast: a quarter
PICTURES = 8  # pictures per person (--fast: 4)
NEW_PEOPLE = 5  # test people held out of the database, then added
BATCH_SIZE = 64
LEARNING_RATE = 1e-3  # Adam
COURSE = {"threshold": THRESHOLD}


def add_arguments(parser):
    parser.add_argument("--people", type=int_arg(8), default=None,
                        help=f"training identities (default {PEOPLE['train']}; "
                             f"{PEOPLE['train'] // 4} with --fast)")


def encode(model, x):
    return np.asarray(model.predict(x, batch_size=256, verbose=0))


def verification(encodings, labels, rng):
    """Distances and same/different flags of balanced pairs of one set of people."""
    i, j, same = verification_pairs(labels, rng)
    return np.linalg.norm(encodings[i] - encodings[j], axis=1), same


def run(ctx):
    scale = 4 if ctx.fast else 1
    n_train = ctx.args.people or PEOPLE["train"] // scale
    pictures = PICTURES // (2 if ctx.fast else 1)
    sets, first = {}, 0
    for k, (name, n) in enumerate((("train", n_train), ("dev", PEOPLE["dev"] // scale),
                                   ("test", PEOPLE["test"] // scale))):
        sets[name] = make_faces(n, pictures, SIZE, seed=1000 * ctx.seed + k, first_label=first)
        first += n
    (x_train, y_train), (x_dev, y_dev), (x_test, y_test) = sets["train"], sets["dev"], sets["test"]
    ctx.log(f"parametric faces {SIZE}x{SIZE}: {n_train} training people, "
            f"{len(set(y_dev))} development people, {len(set(y_test))} test people, "
            f"{pictures} pictures each (disjoint people)")
    shown = [(f"person {y}", img) for y, img in zip(y_test[:4 * pictures], x_test[:4 * pictures])]
    plots.image_grid(shown, ctx.path("faces.png"), "Four test people (rows of the same "
                     "identity): pose, light, background and noise vary", columns=pictures)
    rng = np.random.default_rng(ctx.seed)

    ## Step 1: raw pixels as the "encoding"
    ctx.section("Raw pixels as the encoding")
    flat = {k: v[0].reshape(len(v[0]), -1) for k, v in sets.items()}
    pix = {k: f / np.linalg.norm(f, axis=1, keepdims=True) for k, f in flat.items()}
    curves, points = {}, {}

    def evaluate(label, key, enc):
        """Threshold from the dev people, accuracy on the test people; the ROC on test."""
        d_dev, s_dev = verification(enc["dev"], y_dev, np.random.default_rng(ctx.seed + 1))
        d_test, s_test = verification(enc["test"], y_test, np.random.default_rng(ctx.seed + 2))
        t, _ = best_threshold(d_dev, s_dev)
        acc = float(np.mean((d_test < t) == s_test))
        _, fpr, tpr = roc_curve(d_test, s_test)
        area = auc(fpr, tpr)
        curves[f"{label} (AUC {area:.3f})"] = (fpr, tpr)
        points[f"{label}: t = {t:.2f}"] = (np.mean(d_test[~s_test] < t), np.mean(d_test[s_test] < t))
        ctx.record(f"{key}verification_accuracy", acc)
        ctx.record(f"{key}verification_auc", area)
        ctx.log(f"{label}: threshold {t:.3f} (from the dev people), test verification "
                f"accuracy {acc:.3f}, AUC {area:.3f}")
        return t, d_test, s_test

    evaluate("pixels", "pixel_", pix)

    ## Step 2: triplet training with semi-hard mining
    ctx.section("Embedding network trained with the triplet loss (semi-hard negatives)")
    keras.utils.set_random_seed(ctx.seed)
    embedding = embedding_network((SIZE, SIZE, 3), EMBEDDING_DIM)
    trainer = triplet_model(embedding)
    trainer.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE), loss=stacked_triplet_loss)
    board = keras.callbacks.TensorBoard(log_dir=str(ctx.path("logs") / "triplet"),
                                        write_graph=False, profile_batch=0)
    history = {"loss": []}
    with ctx.progress("triplet training", ctx.epochs, unit="epoch") as bar:
        for epoch in range(ctx.epochs):
            a, p, n = semi_hard_triplets(encode(embedding, x_train), y_train)
            order = rng.permutation(len(a))
            a, p, n = a[order], p[order], n[order]
            fit = trainer.fit([x_train[a], x_train[p], x_train[n]], np.zeros(len(a)),
                              batch_size=BATCH_SIZE, initial_epoch=epoch, epochs=epoch + 1,
                              verbose=0, callbacks=[board])
            # the loss is summed over a batch (the course's); per triplet is readable
            history["loss"].append(fit.history["loss"][-1] / BATCH_SIZE)
            bar.update(epoch + 1, loss=history["loss"][-1])
    enc = {k: encode(embedding, v[0]) for k, v in sets.items()}
    ctx.record("triplet_loss_start", history["loss"][0])
    ctx.record("triplet_loss_end", history["loss"][-1])
    plots.learning_curves({"triplet loss per triplet (semi-hard)": history},
                          ctx.path("triplet_loss.png"), metrics=("loss",),
                          title="Triplet loss on each epoch's freshly mined triplets "
                                "(it measures the hardest remaining triplets, so it falls slowly)")

    ## Step 3: verification on people the network never saw
    ctx.section("Verification on unseen people")
    threshold, d_test, s_test = evaluate("triplet", "", enc)
    ctx.record("threshold", threshold, course=COURSE["threshold"])
    ctx.record("verification_accuracy_at_0_7", float(np.mean((d_test < THRESHOLD) == s_test)))
    ctx.log(f"at the course's threshold 0.7: accuracy "
            f"{ctx.results['verification_accuracy_at_0_7']:.3f}")
    plt = plots.pyplot()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    bins = np.linspace(0, 2, 41)
    ax.hist(d_test[s_test], bins, alpha=0.6, label="same person")
    ax.hist(d_test[~s_test], bins, alpha=0.6, label="different people")
    ax.axvline(threshold, color="k", linestyle="--", label=f"threshold {threshold:.2f}")
    ax.axvline(THRESHOLD, color="grey", linestyle=":", label="course's 0.7")
    ax.set_xlabel("L2 distance between encodings")
    ax.legend(fontsize=8)
    ax.set_title("Test pairs (people never seen in training)", fontsize=10)
    plots.save(fig, ctx.path("distances.png"))

    ## Step 4: one-shot recognition from a database of one picture per person
    ctx.section("One-shot recognition")
    names = [f"person_{y}" for y in y_test]
    firsts = {names[i]: i for i in range(len(names) - 1, -1, -1)}  # each person's first picture
    new_people = sorted(set(names), key=names.index)[-(NEW_PEOPLE // (2 if ctx.fast else 1)):]
    database = {name: img_to_encoding(x_test[i], embedding) for name, i in firsts.items()}
    queries = [i for i in range(len(names)) if i != firsts[names[i]]]
    hits = [who_is_it(x_test[i], database, embedding)[1] == names[i] for i in queries]
    ctx.record("one_shot_accuracy", float(np.mean(hits)))
    ctx.record("database_size", len(database))
    ctx.log(f"database of {len(database)} people, one picture each; "
            f"{len(queries)} other pictures recognised: {np.mean(hits):.3f} "
            f"(chance {1 / len(database):.3f})")

    ## Step 5: adding a person without retraining
    ctx.section(f"Adding {len(new_people)} people without retraining")
    for name in new_people:
        del database[name]
    newcomer = [i for i in queries if names[i] in new_people]
    rejected = [who_is_it(x_test[i], database, embedding)[0] > threshold for i in newcomer]
    for name in new_people:  # one encoding each: no retraining
        database[name] = img_to_encoding(x_test[firsts[name]], embedding)
    known = [who_is_it(x_test[i], database, embedding)[1] == names[i] for i in newcomer]
    ctx.record("unknown_rejection_rate", float(np.mean(rejected)))
    ctx.record("added_people_accuracy", float(np.mean(known)))
    ctx.log(f"before: {np.mean(rejected):.3f} of their pictures rejected as 'not in the "
            f"database'; after adding one encoding each: {np.mean(known):.3f} recognised")

    ## Step 6: a softmax classifier with the same network and embedding budget
    ctx.section("Softmax classifier over the training people, its layer as the encoding")
    keras.utils.set_random_seed(ctx.seed)
    softmax_embedding = embedding_network((SIZE, SIZE, 3), EMBEDDING_DIM, name="softmax_embedding")
    head = keras.layers.Dense(n_train, activation="softmax", name="people")(
        softmax_embedding.get_layer("features").output)
    classifier = keras.Model(softmax_embedding.input, head, name="softmax_classifier")
    classifier.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                       loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    # the same number of gradient steps as the triplet training had (one triplet per
    # anchor-positive pair per epoch), on mini-batches of images
    triplet_steps = ctx.epochs * np.ceil(len(x_train) * (pictures - 1) / BATCH_SIZE)
    epochs = max(1, round(triplet_steps / np.ceil(len(x_train) / BATCH_SIZE)))
    fit = classifier.fit(x_train, y_train, batch_size=BATCH_SIZE, epochs=epochs, verbose=0,
                         callbacks=ctx.callbacks("softmax"))
    ctx.record("softmax_train_accuracy", fit.history["accuracy"][-1])
    enc_softmax = {k: encode(softmax_embedding, v[0]) for k, v in sets.items()}
    evaluate("softmax features", "softmax_", enc_softmax)
    db_soft = {name: img_to_encoding(x_test[i], softmax_embedding) for name, i in firsts.items()}
    hits_soft = [who_is_it(x_test[i], db_soft, softmax_embedding)[1] == names[i] for i in queries]
    ctx.record("softmax_one_shot_accuracy", float(np.mean(hits_soft)))
    ctx.log(f"softmax ({epochs} epochs over the images, train accuracy "
            f"{ctx.results['softmax_train_accuracy']:.3f}): one-shot "
            f"{np.mean(hits_soft):.3f} against the triplet encoder's "
            f"{ctx.results['one_shot_accuracy']:.3f}")
    plots.roc_curves(curves, ctx.path("roc.png"), "Verification of people never seen in "
                     "training\n(thresholds chosen on other unseen people)", points=points)

    ## Export: the triplet-trained embedding network
    ctx.export(embedding, x_test[:16])


LESSON = Lesson(__file__, __doc__, run, epochs=15, fast_epochs=1, add_arguments=add_arguments,
                epochs_help="triplet-training epochs (each on freshly mined semi-hard triplets)",
                keys=("verification_accuracy", "threshold", "one_shot_accuracy",
                      "softmax_verification_accuracy", "softmax_one_shot_accuracy"))

if __name__ == "__main__":
    LESSON.cli()
