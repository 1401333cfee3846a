"""The course's own NumPy code path: its graded functions under their names, signatures and layouts.

One module per assignment (the course reuses names such as ``rnn_forward`` across assignments),
e.g. ``tfcourse.scratch.cnn`` (Course 4, week 1, the optional backward passes),
``tfcourse.scratch.rnn`` (Course 5, week 1, RNN and LSTM backward passes) and
``tfcourse.scratch.dinosaurs`` (Course 5, week 1, the dinosaur-name model).
"""
