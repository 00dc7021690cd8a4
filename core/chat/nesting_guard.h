// Counts how deep something nests (the parser's recursion, blocks inside blocks, the
// interpreter's evaluation) and stops past a limit, before the C++ stack runs out.
#pragma once

namespace ladder::chat {

class NestingGuard {
public:
    // onTooDeep must throw; it runs when this level would pass `limit`.
    template <typename OnTooDeep>
    NestingGuard(int& depth, int limit, OnTooDeep onTooDeep) : m_depth(depth) {
        if (++m_depth > limit) {
            --m_depth;
            onTooDeep();
        }
    }
    ~NestingGuard() { --m_depth; }
    NestingGuard(const NestingGuard&) = delete;
    NestingGuard& operator=(const NestingGuard&) = delete;

private:
    int& m_depth;
};

}  // namespace ladder::chat
