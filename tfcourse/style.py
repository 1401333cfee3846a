"""Neural style transfer: content cost, Gram matrices, style cost, and the image as a variable (Course 4, week 4).

Gatys et al. generate an image G whose deep activations match a content image C and whose
*correlations* of activations (Gram matrices) match a style image S, by gradient descent on the
pixels of G — the network's weights stay fixed. The course's costs, for a layer's activations
a of shape (1, n_H, n_W, n_C):

    J_content(C, G) = 1 / (4·n_H·n_W·n_C) · Σ (a(C) − a(G))²

    G_A = A·Aᵀ                                  (A: the activations unrolled to (n_C, n_H·n_W))
    J_style^[l](S, G) = 1 / (4·n_C²·(n_H·n_W)²) · Σ_ij (G(S)_ij − G(G)_ij)²
    J_style(S, G) = Σ_l λ_l · J_style^[l](S, G)          (STYLE_LAYERS: five layers, λ = 0.2)
    J(G) = α·J_content(C, G) + β·J_style(S, G)            (α = 10, β = 40)

and the optimisation: G starts as C plus uniform noise in [−0.25, 0.25] clipped to [0, 1];
each step computes J under ``tf.GradientTape``, applies Adam (learning rate 0.01) to G and
clips G back to [0, 1] (the course's ``train_step``, here :func:`make_train_step`).

The course's feature network is VGG-19 trained on ImageNet: its layers ``block1_conv1`` …
``block5_conv1`` for style and ``block5_conv4`` for content (:data:`STYLE_LAYERS`,
:data:`CONTENT_LAYER`), fed images in [0, 1] without VGG's mean subtraction (as the course
does). Those weights cannot be downloaded here: :func:`load_vgg19` builds VGG-19 from a
weights file the user has; :func:`random_feature_network` is the offline stand-in, a
multi-scale stack of fixed random convolutions (random features capture texture statistics
well: Ustyuzhaninov et al., 2017, "What does it take to generate natural textures?").

Layouts are the course's: ``compute_content_cost`` and ``compute_style_cost`` take the *lists*
of a feature model's outputs (style layers first, the content layer last); ``gram_matrix``
takes (n_C, n_H·n_W).
"""
from __future__ import annotations

import keras
import numpy as np
import tensorflow as tf

from tfcourse.checks import check_int, check_number, invalid

# The course's layers of VGG-19 and their weights λ_l.
STYLE_LAYERS = [("block1_conv1", 0.2), ("block2_conv1", 0.2), ("block3_conv1", 0.2),
                ("block4_conv1", 0.2), ("block5_conv1", 0.2)]
CONTENT_LAYER = [("block5_conv4", 1)]
ALPHA, BETA = 10, 40  # the course's weights of the content and style costs
LEARNING_RATE = 0.01  # the course's Adam learning rate on the pixels


def compute_content_cost(content_output, generated_output):
    """The course's content cost on the last entry of two lists of activations.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

        J_content = 1 / (4·n_H·n_W·n_C) · Σ (a_C − a_G)²

    with a_C = ``content_output[-1]`` and a_G = ``generated_output[-1]`` of shape
    (1, n_H, n_W, n_C) (the content layer is the feature model's last output).

    Keras: ``keras.losses.MeanSquaredError()(a_C, a_G) / 4`` is the same number (the mean over
    the n_H·n_W·n_C entries, and the course's extra factor 1/4); tested.
    """
    a_C = content_output[-1]
    a_G = generated_output[-1]
    _, n_H, n_W, n_C = a_G.shape
    a_C_unrolled = tf.reshape(a_C, [-1, n_H * n_W, n_C])
    a_G_unrolled = tf.reshape(a_G, [-1, n_H * n_W, n_C])
    return tf.reduce_sum(tf.square(a_C_unrolled - a_G_unrolled)) / (4.0 * n_H * n_W * n_C)


def gram_matrix(A):
    """The Gram matrix G_A = A·Aᵀ of A of shape (n_C, n_H·n_W): shape (n_C, n_C).

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    Entry (i, j) is the unnormalised correlation of channels i and j over all positions.
    Twin: ``tf.linalg.einsum("cp,dp->cd", A, A)`` (tested). Many Keras/TF tutorials divide by
    n_H·n_W here; the course does not (its style cost divides instead).
    """
    return tf.matmul(A, tf.transpose(A))


def compute_layer_style_cost(a_S, a_G):
    """The course's style cost of one layer, from activations of shape (1, n_H, n_W, n_C).

    Course 4, week 4; lesson c4w4_neural_style_transfer.

        J_style^[l] = 1 / (4·n_C²·(n_H·n_W)²) · Σ_ij (G(S)_ij − G(G)_ij)²

    with each activation unrolled to (n_C, n_H·n_W) (reshape to (n_H·n_W, n_C), then
    transpose: a plain reshape to (n_C, n_H·n_W) would mix positions and channels).
    """
    _, n_H, n_W, n_C = a_G.shape
    a_S = tf.transpose(tf.reshape(a_S, [n_H * n_W, n_C]))
    a_G = tf.transpose(tf.reshape(a_G, [n_H * n_W, n_C]))
    GS, GG = gram_matrix(a_S), gram_matrix(a_G)
    return tf.reduce_sum(tf.square(GS - GG)) / (4.0 * n_C ** 2 * (n_H * n_W) ** 2)


def compute_style_cost(style_image_output, generated_image_output, STYLE_LAYERS=STYLE_LAYERS):
    """The course's style cost: Σ_l λ_l · J_style^[l] over the style layers.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    ``style_image_output`` and ``generated_image_output`` are the feature model's output lists;
    all but the last entry (the content layer) are the style layers, in the order of
    ``STYLE_LAYERS`` (pairs ``(layer name, λ_l)``; the names are not used here).
    """
    J_style = 0
    a_S = style_image_output[:-1]
    a_G = generated_image_output[:-1]
    if len(a_S) != len(STYLE_LAYERS):
        raise invalid("style_image_output", f"{len(STYLE_LAYERS)} style activations and the "
                      f"content activation last", f"{len(a_S) + 1} entries",
                      "compute_style_cost")
    for i, (_, weight) in enumerate(STYLE_LAYERS):
        J_style += weight * compute_layer_style_cost(a_S[i], a_G[i])
    return J_style


@tf.function()
def total_cost(J_content, J_style, alpha=ALPHA, beta=BETA):
    """The course's total cost J(G) = α·J_content + β·J_style (α = 10, β = 40).

    Course 4, week 4; lesson c4w4_neural_style_transfer.
    """
    return alpha * J_content + beta * J_style


def clip_0_1(image):
    """Clip pixel values to [0, 1] (the course's ``clip_0_1``).

    Course 4, week 4; lesson c4w4_neural_style_transfer.
    """
    return tf.clip_by_value(image, clip_value_min=0.0, clip_value_max=1.0)


def get_layer_outputs(model, layer_names):
    """A model from ``model``'s input to the outputs of ``layer_names`` (pairs (name, weight),
    as :data:`STYLE_LAYERS`), in that order: the course's ``get_layer_outputs``.

    Course 4, week 4; lesson c4w4_neural_style_transfer.
    """
    outputs = [model.get_layer(name).output for name, _ in layer_names]
    return keras.Model(model.input, outputs, name=f"{model.name}_outputs")


def initial_generated_image(content_image, seed: int = 0, noise: float = 0.25):
    """The course's starting point: the content image plus U(−0.25, 0.25) noise, in [0, 1].

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    ``content_image`` is (1, h, w, 3) in [0, 1]; returns a ``tf.Variable`` of that shape.
    """
    noise = check_number("noise", noise, low=0, owner="initial_generated_image")
    content = tf.convert_to_tensor(content_image, tf.float32)
    u = tf.random.stateless_uniform(content.shape, seed=[seed, 0], minval=-noise, maxval=noise)
    return tf.Variable(clip_0_1(content + u))


def make_train_step(feature_model, a_C, a_S, optimizer=None, alpha=ALPHA, beta=BETA,
                    style_layers=STYLE_LAYERS):
    """The course's ``train_step`` for a fixed feature model, content and style targets.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    Returns ``train_step(generated_image) -> (J, J_content, J_style)`` (a ``tf.function``):
    under ``tf.GradientTape``, a_G = feature_model(G), J = α·J_content(a_C, a_G) +
    β·J_style(a_S, a_G); Adam (``optimizer``, by default the course's learning rate 0.01)
    updates G; G is clipped to [0, 1]. The course's returns J only; the two parts are returned
    too, for the cost curves.
    """
    optimizer = optimizer or keras.optimizers.Adam(learning_rate=LEARNING_RATE)

    @tf.function()
    def train_step(generated_image):
        with tf.GradientTape() as tape:
            a_G = feature_model(generated_image)
            J_style = compute_style_cost(a_S, a_G, STYLE_LAYERS=style_layers)
            J_content = compute_content_cost(a_C, a_G)
            J = total_cost(J_content, J_style, alpha=alpha, beta=beta)
        grad = tape.gradient(J, generated_image)
        optimizer.apply_gradients([(grad, generated_image)])
        generated_image.assign(clip_0_1(generated_image))
        return J, J_content, J_style

    return train_step


def style_transfer(feature_model, content_image, style_image, steps: int, alpha=ALPHA,
                   beta=BETA, style_layers=STYLE_LAYERS, learning_rate=LEARNING_RATE,
                   seed: int = 0, noise: float = 0.25, progress=None):
    """Optimise a generated image for ``steps`` steps of :func:`make_train_step`.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    Args:
        feature_model: image (1, h, w, 3) in [0, 1] -> list of activations, the style layers'
            first and the content layer's last (:func:`get_layer_outputs`).
        content_image, style_image: (1, h, w, 3) arrays in [0, 1], of the same size.
        steps: gradient steps on the image.
        noise: the half-width of the uniform noise added to the content image at the start
            (the course's 0.25).
        progress: optional ``update(step, loss=cost)`` object (a tfcourse progress bar).

    Returns:
        ``(generated, history)``: the image (1, h, w, 3) as a NumPy array and a dict of lists
        ``total``, ``content``, ``style`` — the costs *before* each step, then after the last.
    """
    steps = check_int("steps", steps, low=1, owner="style_transfer")
    content = tf.constant(np.asarray(content_image, "float32"))
    style = tf.constant(np.asarray(style_image, "float32"))
    if content.shape != style.shape or content.shape.rank != 4 or content.shape[0] != 1:
        raise invalid("style_image", f"an image of the content image's shape {content.shape}",
                      f"shape {style.shape}", "style_transfer")
    a_C, a_S = feature_model(content), feature_model(style)
    generated = initial_generated_image(content, seed, noise)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
    train_step = make_train_step(feature_model, a_C, a_S, optimizer, alpha, beta, style_layers)
    history = {"total": [], "content": [], "style": []}

    def costs():
        a_G = feature_model(generated)
        jc = float(compute_content_cost(a_C, a_G))
        js = float(compute_style_cost(a_S, a_G, STYLE_LAYERS=style_layers))
        return alpha * jc + beta * js, jc, js

    for step in range(steps):
        J, jc, js = train_step(generated)  # the costs of the image before this step
        for key, value in zip(("total", "content", "style"), (J, jc, js)):
            history[key].append(float(value))
        if progress is not None:
            progress.update(step + 1, loss=float(J))
    for key, value in zip(("total", "content", "style"), costs()):
        history[key].append(value)
    return generated.numpy(), history


def random_feature_network(input_shape=(64, 64, 3), filters=(64, 64, 128, 128, 128),
                           content_filters: int = 128, seed: int = 0,
                           name: str = "random_features"):
    """A fixed multi-scale network of random convolutions, named like VGG-19's layers.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    Block b (1..len(filters)): average pooling by 2 (from block 2 on), then a 3×3 convolution
    ``block{b}_conv1`` with ``filters[b-1]`` He-normal random filters and ReLU; the last block
    has a second convolution ``block{b}_conv4`` (``content_filters``): the content layer, named
    as the course's. Every weight is drawn once from ``seed`` and frozen. Average rather than
    max pooling, as Gatys et al. recommend for synthesis (smoother gradients).
    """
    owner = "random_feature_network"
    if not filters or any(not isinstance(f, int) or f < 1 for f in filters):
        raise invalid("filters", "a non-empty sequence of positive integers", filters, owner)
    content_filters = check_int("content_filters", content_filters, low=1, owner=owner)
    L = keras.layers
    inputs = keras.Input(tuple(input_shape), name="image")
    # centred inputs: a ReLU of random weights on [0, 1] pixels is mostly on or mostly off
    x = L.Rescaling(1.0, offset=-0.5, name="center")(inputs)
    # a fixed 3x3 box blur: the network, and so the gradient on the pixels, sees no
    # pixel-to-pixel noise (random filters are white, and would otherwise respond to it most)
    x = L.AveragePooling2D(3, strides=1, padding="same", name="blur")(x)
    for b, f in enumerate(filters, start=1):
        if b > 1:
            x = L.AveragePooling2D(2, name=f"block{b}_pool")(x)
        x = L.Conv2D(f, 3, padding="same", activation="relu", name=f"block{b}_conv1",
                     kernel_initializer=keras.initializers.HeNormal(seed=seed + b))(x)
    b = len(filters)
    x = L.Conv2D(content_filters, 3, padding="same", activation="relu", name=f"block{b}_conv4",
                 kernel_initializer=keras.initializers.HeNormal(seed=seed + 100))(x)
    model = keras.Model(inputs, x, name=name)
    model.trainable = False
    return model


def random_style_layers(model):
    """``[(block{b}_conv1, 1/B) for each block b]`` of a :func:`random_feature_network`, and
    its content layer: ``(style_layers, content_layer)`` in the course's format.

    Course 4, week 4; lesson c4w4_neural_style_transfer.
    """
    names = [layer.name for layer in model.layers if layer.name.endswith("_conv1")]
    content = [layer.name for layer in model.layers if layer.name.endswith("_conv4")]
    if not names or len(content) != 1:
        raise invalid("model", "a random_feature_network", model.name, "random_style_layers")
    return [(n, 1 / len(names)) for n in names], [(content[0], 1)]


def load_vgg19(weights_path, input_shape=(400, 400, 3)):
    """VGG-19 without its classifier, from a user's weights file, frozen: the course's network.

    Course 4, week 4; lesson c4w4_neural_style_transfer.

    ``keras.applications.VGG19(include_top=False, weights=weights_path)``: the file is Keras's
    ``vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5`` (or any weights file of that
    architecture without the top). The course uses a 400×400 input. A missing or unreadable
    file is a :class:`tfcourse.errors.DataError`.
    """
    from pathlib import Path

    from tfcourse.errors import DataError

    path = Path(weights_path).expanduser()
    if not path.is_file():
        raise DataError(f"VGG-19 weights file not found: {path}")
    try:
        vgg = keras.applications.VGG19(include_top=False, weights=str(path),
                                       input_shape=tuple(input_shape))
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot load VGG-19 weights from {path}: "
                        f"{str(exc).splitlines()[0][:200]}") from None
    vgg.trainable = False
    return vgg
