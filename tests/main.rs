//! The one integration test binary: each module runs the real `tutorstat` on temporary workspaces.

mod it;
