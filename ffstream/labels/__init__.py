"""Labels: time axes and channel names, taken off labelled inputs and put back on outputs."""
