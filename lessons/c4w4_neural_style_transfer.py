"""Neural style transfer: optimise the pixels of an image against content and style costs (Course 4, week 4).

Style transfer does not train a network: it trains an *image*. A fixed convolutional network
describes images by their activations; the generated image G starts as the content image C
plus noise and is updated by gradient descent so that

- its activations at a deep layer match C's (the content cost, ``compute_content_cost``):
      J_content = 1 / (4·n_H·n_W·n_C) · Σ (a(C) − a(G))²;
- the *correlations between channels* at several layers — Gram matrices G_A = A·Aᵀ
  (``gram_matrix``) — match those of the style image S (``compute_layer_style_cost``,
  ``compute_style_cost`` with λ = 0.2 on each of five layers):
      J_style^[l] = 1 / (4·n_C²·(n_H·n_W)²) · Σ (G(S) − G(G))²;
- J(G) = α·J_content + β·J_style (``total_cost``; the course's α = 10, β = 40).

Each step (``tfcourse.style.make_train_step``, the course's ``train_step``) computes J under
``tf.GradientTape``, takes the gradient with respect to the image (a ``tf.Variable``), applies
Adam with the course's learning rate 0.01 and clips the pixels to [0, 1]. A Gram matrix sums
over positions, so it keeps *what* textures and colours occur and forgets *where*: the style is
moved onto the content's layout.

Images: the course's are its own photographs; this lesson uses the two that scikit-learn ships
(``tfcourse.data.style_images``): a crop of ``china.jpg`` (a temple tower) as content and the
petals of ``flower.jpg`` (a dahlia) as style, resized to 96×96 (48×48 with ``--fast``).

The network. The course uses VGG-19 trained on ImageNet (content ``block5_conv4``, style
``block1_conv1`` … ``block5_conv1``). Its weights cannot be downloaded here, so by default the
lesson uses a **fixed random network** (``tfcourse.style.random_feature_network``): five
blocks of 3×3 random ReLU convolutions with average pooling between them, its layers named as
VGG's. Random multi-scale features capture texture statistics well (Ustyuzhaninov et al.,
2017) — the style cost falls by orders of magnitude and the colours and texture of the petals
appear — but their deep layers are not *semantic*: the content layer records local colour and
brightness rather than "a tower". With the course's α = 10 that content term fights the style
into saturated noise, so with the random network this lesson uses α = 1 (β = 40); the
generated image keeps the tower's silhouette and takes the petals' palette and grain, still
noisier than a VGG result. ``--weights-path FILE`` loads the user's VGG-19 weights
(``keras.applications.VGG19(include_top=False, weights=FILE)``, e.g. Keras's
``vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5``) and then uses the course's layers and
α = 10, β = 40; images are fed in [0, 1] as the course does.

Outputs: ``images.png`` (content, style, generated), ``costs.png`` (total, content and style
cost at every step), ``generated.npy``, ``results.json``, TensorBoard scalars, and the
feature network from the image to its content layer exported to
``saved_models/c4w4_neural_style_transfer/`` — the network that defines the content cost (the
generated image itself is ``generated.npy``; style transfer has no trained model to serve).
"""
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from tfcourse import plots, style
from tfcourse.data.style_images import style_image_pair
from tfcourse.errors import UsageError
from tfcourse.lesson import Lesson, int_arg

SIZE = 96  # image side (the course: 400); --fast: 48
RANDOM_ALPHA, RANDOM_BETA = 1, 40  # with the random network (see the docstring)


def add_arguments(parser):
    parser.add_argument("--weights-path", type=Path, default=None,
                        help="a VGG-19 weights file without the top (Keras's "
                             "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5): use the "
                             "course's network, layers and alpha = 10, beta = 40")
    parser.add_argument("--size", type=int_arg(32), default=None,
                        help=f"image side in pixels (default {SIZE}; {SIZE // 2} with --fast)")


def run(ctx):
    size = ctx.args.size or (SIZE // 2 if ctx.fast else SIZE)
    weights = ctx.args.weights_path
    if weights is not None and not Path(weights).expanduser().is_file():
        raise UsageError(f"--weights-path: no such file: {weights}")

    ## The network and its layers
    if weights is not None:
        ctx.section("VGG-19 from the given weights (the course's network)")
        net = style.load_vgg19(weights, (size, size, 3))
        style_layers, content_layer = style.STYLE_LAYERS, style.CONTENT_LAYER
        alpha, beta = style.ALPHA, style.BETA
    else:
        ctx.section("A fixed random multi-scale network (no pretrained weights offline)")
        net = style.random_feature_network((size, size, 3), seed=ctx.seed)
        style_layers, content_layer = style.random_style_layers(net)
        alpha, beta = RANDOM_ALPHA, RANDOM_BETA
    feature_model = style.get_layer_outputs(net, style_layers + content_layer)
    ctx.log(f"style layers {[n for n, _ in style_layers]} (λ = {style_layers[0][1]:g} each), "
            f"content layer {content_layer[0][0]}, α = {alpha:g}, β = {beta:g}")
    ctx.record("alpha", alpha, course=style.ALPHA)
    ctx.record("beta", beta, course=style.BETA)

    ## The images
    content, style_img = style_image_pair(size)
    ctx.log(f"content: china.jpg, style: flower.jpg (scikit-learn's), {size}x{size}")

    ## Optimise the generated image
    ctx.section(f"Style transfer: {ctx.epochs} Adam steps on the pixels (learning rate "
                f"{style.LEARNING_RATE:g})")
    with ctx.progress("style transfer", ctx.epochs) as bar:
        generated, history = style.style_transfer(
            feature_model, content, style_img, ctx.epochs, alpha=alpha, beta=beta,
            style_layers=style_layers, seed=ctx.seed, progress=bar)
    writer = tf.summary.create_file_writer(str(ctx.path("logs") / "style_transfer"))
    with writer.as_default():
        for step in range(len(history["total"])):
            for key in ("total", "content", "style"):
                tf.summary.scalar(f"{key}_cost", history[key][step], step=step)
    writer.close()

    for key in ("content", "style", "total"):
        ctx.record(f"{key}_cost_start", history[key][0])
        ctx.record(f"{key}_cost_end", history[key][-1])
    total = np.asarray(history["total"])
    ctx.record("total_cost_falls_fraction", float(np.mean(np.diff(total) < 0)))
    ctx.record("style_cost_ratio", history["style"][-1] / history["style"][0])
    ctx.log(f"total cost {total[0]:.4g} -> {total[-1]:.4g} (it fell at "
            f"{ctx.results['total_cost_falls_fraction']:.0%} of the steps); style cost "
            f"{history['style'][0]:.4g} -> {history['style'][-1]:.4g} "
            f"(x{ctx.results['style_cost_ratio']:.3g}); content cost "
            f"{history['content'][0]:.4g} -> {history['content'][-1]:.4g} (it starts near 0: "
            f"G starts as C plus noise)")

    ## Figures
    np.save(ctx.path("generated.npy"), generated)
    plots.image_grid([("content (china.jpg)", content[0]), ("style (flower.jpg)", style_img[0]),
                      (f"generated, {ctx.epochs} steps", generated[0])],
                     ctx.path("images.png"), "Neural style transfer", columns=3)
    plots.cost_curves({"total cost J = αJ_content + βJ_style": {"total": history["total"]},
                       "content cost": {"J_content": history["content"]},
                       "style cost": {"J_style": history["style"]}},
                      ctx.path("costs.png"), xlabel="Adam step on the image")

    ## Export: the feature network up to its content layer
    content_model = keras.Model(net.input, net.get_layer(content_layer[0][0]).output,
                                name="content_features")
    ctx.export(content_model, content)


LESSON = Lesson(__file__, __doc__, run, epochs=300, fast_epochs=10, add_arguments=add_arguments,
                epochs_help="Adam steps on the generated image",
                keys=("content_cost_start", "content_cost_end", "style_cost_start",
                      "style_cost_end"))

if __name__ == "__main__":
    LESSON.cli()
