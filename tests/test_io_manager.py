"""Step outputs: polars frames as Arrow IPC files, anything else pickled, old pickles still readable."""
import pickle

import polars as pl
from upath import UPath

from etl_project.resources import _FrameFiles


def test_frames_round_trip_as_arrow_and_other_objects_as_pickles(tmp_path):
    io = _FrameFiles(base_path=UPath(tmp_path))
    frame = pl.DataFrame({"text": ["قتل شخص", None], "n": [1, 2]}, schema={"text": pl.String, "n": pl.Int32})
    io.dump_to_path(None, frame, tmp_path / "a" / "2025-11-12")
    assert (tmp_path / "a" / "2025-11-12.arrow").exists() and io.path_exists(tmp_path / "a" / "2025-11-12")
    assert io.load_from_path(None, tmp_path / "a" / "2025-11-12").equals(frame)
    io.dump_to_path(None, {"x": 1}, tmp_path / "a" / "2025-11-12")  # replaced by a non-frame: the frame file goes
    assert not (tmp_path / "a" / "2025-11-12.arrow").exists()
    assert io.load_from_path(None, tmp_path / "a" / "2025-11-12") == {"x": 1}


def test_an_output_pickled_by_the_default_io_manager_is_still_read(tmp_path):
    io = _FrameFiles(base_path=UPath(tmp_path))
    frame = pl.DataFrame({"a": [1]})
    (tmp_path / "old").write_bytes(pickle.dumps(frame))
    assert io.path_exists(tmp_path / "old") and io.load_from_path(None, tmp_path / "old").equals(frame)
